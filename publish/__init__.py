"""Writing: staging a run, applying it to the working store, publishing snapshots.

The stage that owns every write to a data directory (ARCHITECTURE §9): the runs' staging
databases (``runs``), the record index (``index``), applying a staged run to the working store
with its provenance (``apply``, ``provenance``), and the data directory itself with its one
writer lock and its one publish path (``workspace``), which harvests and the endpoint's SPARQL
Update both take. It never imports the shell (``museion``): the shell fills the small settings
records of ``settings`` and hands in the pool that maps records.
"""

from .apply import apply_run, now, run_row
from .failpoints import failpoint
from .held_output import drop_held
from .index import IndexedRecord, IndexEntry, KnownRecord, RecordIndex, RunRow
from .provenance import meta_graph, vocabulary_graph
from .quarantine import standing_quarantine, writes_nothing
from .runs import (
    Change,
    QuarantinedRecord,
    RecordNotes,
    Run,
    RunKind,
    RunStatus,
    StagedRecord,
    pack_quads,
    statement_count,
)
from .search_basis import search_basis, search_basis_published
from .settings import MappedRecord, MapPool, Partner, PublishSettings, SourceSettings
from .shared import dataset_graphs, entity_graphs_prefix, source_entity_graph
from .stage import BATCH_SIZE, Progress, Verdict, stage, verdict
from .summary import HarvestSummary, Rejection, snapshot_is_new
from .workspace import KEEP_RUNS, KEEP_SNAPSHOTS, Workspace, new_id, write_atomically

__all__ = [
    "BATCH_SIZE",
    "KEEP_RUNS",
    "KEEP_SNAPSHOTS",
    "Change",
    "HarvestSummary",
    "IndexEntry",
    "IndexedRecord",
    "KnownRecord",
    "MapPool",
    "MappedRecord",
    "Partner",
    "Progress",
    "PublishSettings",
    "QuarantinedRecord",
    "RecordIndex",
    "RecordNotes",
    "Rejection",
    "Run",
    "RunKind",
    "RunRow",
    "RunStatus",
    "SourceSettings",
    "StagedRecord",
    "Verdict",
    "Workspace",
    "apply_run",
    "dataset_graphs",
    "drop_held",
    "entity_graphs_prefix",
    "failpoint",
    "meta_graph",
    "new_id",
    "now",
    "pack_quads",
    "run_row",
    "search_basis",
    "search_basis_published",
    "snapshot_is_new",
    "source_entity_graph",
    "stage",
    "standing_quarantine",
    "statement_count",
    "verdict",
    "vocabulary_graph",
    "write_atomically",
    "writes_nothing",
]
