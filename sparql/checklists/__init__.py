"""Curators' exhibition checklists: storage, rows from the snapshot, planning, exports, web."""

from .planning import light_sensitive_concepts, plan
from .rows import Fields, read_rows
from .store import Checklist, ChecklistStore, Item

__all__ = [
    "Checklist",
    "ChecklistStore",
    "Fields",
    "Item",
    "light_sensitive_concepts",
    "plan",
    "read_rows",
]
