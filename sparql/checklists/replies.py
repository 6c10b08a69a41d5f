"""What a checklist view answers besides its page: the JSON of a checklist, the file name of
an export, and where the page opens after a form's action, with its status line (``DONE``).

Kept apart from the routes (``sparql.checklists.web``) so that the shape of a JSON answer
and the place a keyboard user comes back to can be read, and tested, without a request.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from .planning import plan
from .store import Checklist


def _as_json(checklist: Checklist) -> dict[str, Any]:
    p = plan(checklist)
    return {
        "id": checklist.id,
        "name": checklist.name,
        "spacing_cm": checklist.spacing_cm,
        "updated": checklist.updated,
        "items": [
            {
                "iri": i.iri,
                "position": n,
                "note": i.note,
                "status": i.status,
                "withdrawn_at": i.withdrawn_at,
                "fields": i.fields.public_json(),
            }
            for n, i in enumerate(checklist.items, start=1)
        ],
        "totals": {
            "objects": p.objects,
            "withdrawn": p.withdrawn,
            "lenders": p.lenders,
            "wall_length_cm": p.wall_cm,
            "widths_counted": p.widths_counted,
        },
        "warnings": [{"iri": w.iri, "kind": w.kind, "detail": w.detail} for w in p.warnings],
    }


def _filename(name: str) -> str:
    """The checklist's name as a file name: letters, digits, "-" and "_", at most 60."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
    return re.sub(r"-{2,}", "-", safe).strip("-")[:60].strip("-") or "checklist"


def _attachment(name: str, suffix: str) -> str:
    """The ``Content-Disposition`` of an export named after the checklist (RFC 6266): the name
    as written in ``filename*``, and an ASCII one in ``filename`` for a client that reads no
    other. The name percent-encoded in ``filename`` alone was saved as such by Firefox and
    Safari ("Modernit%C3%A9s-crois%C3%A9es.csv"), an Arabic name as a row of escapes."""
    written = _filename(name)
    plain = unicodedata.normalize("NFKD", written).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"-{2,}", "-", plain).strip("-") or "checklist"
    return (
        f'attachment; filename="{plain}.{suffix}"; '
        f"filename*=UTF-8''{quote(written, safe='')}.{suffix}"
    )


DONE = {
    "added": "The work was added to this checklist.",
    "already": "The work was already on this checklist: nothing was added.",
    "already-noted": "The work was already on this checklist: your note was added to its note.",
    "moved": "The order was changed.",
    "noted": "The note was saved.",
    "removed": "The work was removed from this checklist.",
}
"""What the page says after an action a form posted (``?done=``), in a status line."""


def _item_anchor(iri: str) -> str:
    return "item-" + quote(iri, safe="")


def _back_to(action: str, iri: str, order: list[str]) -> str:
    """Where the page opens after ``action`` on the object ``iri``: at that object (moved,
    noted), or at its neighbour once removed, with a status line; a keyboard user's place
    was the top of the page after every action."""
    if iri not in order:
        return ""
    if action in ("move", "note"):
        return f"?done={'moved' if action == 'move' else 'noted'}#{_item_anchor(iri)}"
    if action == "remove":
        at = order.index(iri)
        rest = order[at + 1 :] or order[:at][-1:]
        return "?done=removed#" + (_item_anchor(rest[0]) if rest else "objects-h")
    return ""
