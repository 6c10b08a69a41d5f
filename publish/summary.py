"""What a run did, as its partner report and the command line tell it.

Rebuilt from the run's database (``HarvestSummary.of_run``), so a run resumed after a crash
reports all of it, not only what the last process staged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from museion_core import messages

from .runs import Run

__all__ = ["HarvestSummary", "Rejection", "snapshot_is_new"]


@dataclass(frozen=True, slots=True)
class Rejection:
    record: str
    reason: str

    @classmethod
    def of(cls, local_id: str | None, origin: str, reason: str) -> Rejection:
        """A quarantined record as the partner finds it: by its id and, when it has one, its
        place in a file ("A-5 (inventory.csv, line 6)"), or by where it was alone."""
        return cls(messages.record_name(local_id, origin), reason)

    def line(self, source: str) -> str:
        return f"{source}: {self.record}: {self.reason}"


@dataclass
class HarvestSummary:
    """What a run did; rebuilt from the run's database, so a resumed run reports all of it."""

    source: str
    run_id: str = ""
    read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    absent: int = 0
    """Of ``deleted``: the records withdrawn because a complete feed no longer holds them."""
    quads: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)
    local_terms: Counter[tuple[str, str]] = field(default_factory=Counter)
    unparsed: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """(``date`` or ``dimensions``, text, source field) of texts kept without values, for the
    partner report."""
    seconds: float = 0.0
    checkpoint: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    reason: str | None = None
    """Why the run was held, when it was."""
    records_before: int = 0
    records_after: int = 0
    snapshot: str | None = None
    """The published snapshot that holds what the run left (once it is published)."""
    wrote_nothing: bool = False
    """The run changed nothing: it was not applied, and published no new snapshot of its own
    (``publish.writes_nothing``); its harvest may have published one all the same
    (``new_snapshot``)."""
    new_snapshot: bool | None = False
    """``snapshot`` was published by the run's own harvest (or upload, remap…), not before it:
    false when nothing of the harvest changed the store, and the snapshot online stayed; None
    when a run from before this was recorded cannot tell (``snapshot_is_new``)."""
    remap: bool = False
    """The run mapped the source's stored records again (``museion remap``), reading no feed:
    with ``wrote_nothing``, the mapping gave what the store held already."""

    @property
    def mapped(self) -> int:
        return self.new + self.changed

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "absent": self.absent,
            "quarantined": self.rejected,
            "quads": self.quads,
            "records_before": self.records_before,
            "records_after": self.records_after,
        }

    @classmethod
    def of_run(cls, source: str, run: Run) -> HarvestSummary:
        info = run.info()
        counts = info.get("counts", {})
        summary = cls(
            source,
            run.run_id,
            status=info["status"],
            reason=info.get("reason"),
            checkpoint=info.get("checkpoint", {}),
            seconds=info.get("seconds", 0.0),
            snapshot=info.get("snapshot"),
            wrote_nothing=bool(info.get("wrote_nothing")),
            new_snapshot=snapshot_is_new(info),
            remap=bool(info.get("remap")),
        )
        for name in (
            "read",
            "new",
            "changed",
            "unchanged",
            "deleted",
            "absent",
            "quads",
            "records_before",
            "records_after",
        ):
            setattr(summary, name, int(counts.get(name, 0)))
        summary.rejections = [
            Rejection.of(entry.local_id, entry.origin, entry.reason) for entry in run.quarantined()
        ]
        summary.warnings = Counter(dict(run.warnings()))
        summary.local_terms = Counter({(s, label): n for s, label, n in run.local_terms()})
        summary.unparsed = Counter({(k, text, at): n for k, text, at, n in run.unparsed()})
        return summary


def snapshot_is_new(run: Mapping[str, Any]) -> bool | None:
    """Whether the snapshot a run names (``snapshot``, in its info or its report's ``run``)
    was published by the run's own harvest: its ``new_snapshot``; or, for a run recorded
    before that was (read as false, an old report told a partner "no new snapshot was
    published" under the name of the one just published), what its own data tell.

    A snapshot is named by the instant it was made (``new_id``), and a run starts under the
    data directory's writer, which it holds until it publishes: a snapshot made before the run
    started (``started``, to the second) stayed; one made a second or more after it was the
    run's harvest's, unless the run was held and published later with ``--force`` (others may
    have published in between). Otherwise (the same second, a forced run, a name or an
    instant not Museion's) it cannot be told: None."""
    if "new_snapshot" in run:
        return bool(run["new_snapshot"])
    made = _instant(str(run.get("snapshot") or "").partition("-")[0], "%Y%m%dT%H%M%S%fZ")
    began = _instant(str(run.get("started") or ""), "%Y-%m-%dT%H:%M:%SZ")
    if made is None or began is None:
        return None
    if made < began:
        return False
    forced = str(run.get("reason") or "").startswith(_FORCED)
    return True if made >= began + timedelta(seconds=1) and not forced else None


_FORCED = messages.PUBLISHED_BY_FORCE.template.partition("{")[0]


def _instant(text: str, form: str) -> datetime | None:
    try:
        return datetime.strptime(text, form).replace(tzinfo=UTC)
    except ValueError:
        return None
