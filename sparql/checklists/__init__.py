"""Curators' exhibition checklists: storage, rows from the snapshot, planning, exports, web."""

from . import i18n_stub as _i18n_stub  # noqa: F401  (installs `_` until i18n lands)
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
