"""``museion reconcile --review``: the uncertain pairs, for a person to decide.

Every pair the matcher scored within ``review_margin`` of the threshold — just below (not
merged) and just above (merged) — is printed with its evidence and as a ``[[same]]`` block
ready to paste into the overrides file (change it to ``[[different]]`` to keep the two apart).
Pairs the overrides file already decides are left out.
"""

from __future__ import annotations

import json
from typing import Any

from .engine import Candidate, Matching, Settings
from .entities import Entity

__all__ = ["describe", "review_json", "review_toml"]


def _relative(base: str, iri: str) -> str:
    return iri[len(base) :] if iri.startswith(base) else iri


def _years(span: tuple[int | None, int | None] | None) -> str:
    if span is None:
        return ""
    first = span[0] if span[0] is not None else span[1]
    return str(first) if first is not None else ""


def describe(entity: Entity) -> str:
    """One line: name, life years, places, roles, authorities, source."""
    born, died = _years(entity.birth), _years(entity.death)
    parts = [f"{entity.label()!r}", f"a {entity.kind} at {entity.source}"]
    if born or died:
        parts.append(f"{born or '?'}–{died}")
    if entity.birth_places:
        parts.append(f"born {entity.birth_places[0]}")
    if entity.floruit:
        parts.append(f"works {entity.floruit[0]}–{entity.floruit[1]}")
    if entity.roles:
        parts.append("roles: " + ", ".join(sorted(entity.roles)))
    if entity.equivalents:
        parts.append("authorities: " + ", ".join(sorted(entity.equivalents)))
    return "; ".join(parts)


def _undecided(
    matching: Matching, settings: Settings, decided: set[frozenset[str]]
) -> list[Candidate]:
    return [
        c
        for c in matching.candidates(settings)
        if frozenset((c.first.iri, c.second.iri)) not in decided
    ]


def review_toml(
    matching: Matching, settings: Settings, base: str, decided: set[frozenset[str]]
) -> str:
    """The uncertain pairs as commented ``[[same]]`` blocks."""
    candidates = _undecided(matching, settings, decided)
    lines = [
        f"# {len(candidates)} uncertain pairs (scores within {settings.review_margin} of the "
        f"threshold {settings.threshold}).",
        "# Paste a block into the overrides file as it is to merge the pair, or change",
        "# [[same]] to [[different]] to keep the two apart; say why in `note`.",
    ]
    for c in candidates:
        state = "merged" if c.merged else "not merged"
        lines += [
            "",
            f"# score {c.score.value:.4f} ({state})",
            f"#   a: {describe(c.first)}",
            f"#   b: {describe(c.second)}",
            "#   evidence: " + "; ".join(c.score.evidence),
            "[[same]]",
            f'a = "{_relative(base, c.first.iri)}"',
            f'b = "{_relative(base, c.second.iri)}"',
            'note = ""',
        ]
    return "\n".join(lines) + "\n"


def review_json(
    matching: Matching, settings: Settings, base: str, decided: set[frozenset[str]]
) -> str:
    def entity(e: Entity) -> dict[str, Any]:
        return {
            "id": _relative(base, e.iri),
            "iri": e.iri,
            "name": e.label(),
            "kind": e.kind,
            "source": e.source,
            "birth": _years(e.birth) or None,
            "death": _years(e.death) or None,
            "roles": sorted(e.roles),
            "authorities": sorted(e.equivalents),
        }

    return json.dumps(
        {
            "threshold": settings.threshold,
            "review_margin": settings.review_margin,
            "pairs": [
                {
                    "a": entity(c.first),
                    "b": entity(c.second),
                    "score": c.score.value,
                    "merged": c.merged,
                    "evidence": c.score.evidence,
                }
                for c in _undecided(matching, settings, decided)
            ],
        },
        indent=2,
        ensure_ascii=False,
    )
