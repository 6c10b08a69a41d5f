"""Azerbaijani date words: "XIX əsr", "XIX əsrin sonu", "1890-cı il", "1920-ci illər".

Azerbaijani puts the part of a century after it, in the genitive ("XIX əsrin sonu", the end
of the 19th century): those parts are ``parts_after``, which the grammar reads as it reads
"late 19th century". The ordinal suffix of a number ("1890-cı", "19-cu") and "illər" after a
decade ("1920-ci illər", the 1920s) are taken care of by ``tokens.normalise``.
"""

from __future__ import annotations

from .lexicon import Lexicon

AZERBAIJANI = Lexicon(
    words={
        "circa": ("təxminən", "təqribən", "təq."),
        "century": ("əsr", "əsrin", "əsrdə", "əsrlər", "əsrlərin"),
        "undated": ("tarixsiz", "tarixi məlum deyil"),
        "filler": ("il", "ili", "ildə", "ilin"),
    },
    parts_after={
        "əvvəli": "early",
        "əvvəlləri": "early",
        "ortası": "mid",
        "ortaları": "mid",
        "sonu": "late",
        "sonları": "late",
        "birinci yarısı": "half-1",
        "ikinci yarısı": "half-2",
    },
    eras={
        "e.ə.": "bce",
        "eramızdan əvvəl": "bce",
    },
)
