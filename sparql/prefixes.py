"""Prefixes researchers expect to have at hand (the CLI adds them to queries that lack them).

They are built from the closed vocabularies in ``museion_core.prefixes``; kept here so that
``sparql.PREFIXES`` stays where the shell and the endpoint look for it.
"""

from __future__ import annotations

from museion_core.prefixes import PREFIXES, prologue

__all__ = ["PREFIXES", "prologue"]
