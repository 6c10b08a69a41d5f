"""Curators' exhibition checklists: storage, rows from the snapshot, planning, exports, web."""

from .fields import Fields
from .planning import light_sensitive_concepts, plan
from .rows import read_rows
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
