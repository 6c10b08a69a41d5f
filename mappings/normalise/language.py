"""BCP 47 language tags: only valid tags, in their standard form, reach a literal.

The implementation lives in the leaf package (``museion_core.language``) because settings files
validate their ``language`` keys with the same rules; the mappings use it from here.
"""

from __future__ import annotations

from museion_core.language import UNDETERMINED, language_tag

__all__ = ["UNDETERMINED", "language_tag"]
