"""The search index build of a published snapshot: seconds and peak RSS, against baselines.

    python bench/search_build.py SNAPSHOT [--old REF] [--skip-old] [--out DIR]

``SNAPSHOT`` is a published snapshot (``store/published/<name>``; ``bench/scale.py --keep DIR``
leaves one). Each line is one child process, timed (wall and CPU seconds: on a shared machine
the CPU seconds are the steadier), with its peak RSS (``wait4``'s ``ru_maxrss``). The child
caps malloc's arenas as ``museion`` does at start-up (``museion.memory``), as a harvest's
process builds the index: uncapped, its query threads' arenas were 30 MB of a 20,000-record
build's 210 MB peak, which no harvest pays:

- ``scan``: every quad of every graph read once (``quads_for_pattern``), the floor for
  reading the data in Python (a snapshot's statements are in named graphs: the default graph
  alone, as this read before, is empty);
- ``old``: the build of Museion at git ``REF`` (its ``search`` package, taken from git into a
  temporary folder): the baseline;
- ``new``: the build of this working tree.

The old and the new index are then compared table by table (``docs``, ``nums``,
``facet_values``, ``doc_facets``, ``masks``, ``meta``, and the full-text index term by term
and object by object, through an ``fts5vocab`` table): the run fails if they differ. Facet
values are compared by name (their numbers follow the order makers were first met), an
object's makers as a set, and the full text without word positions: the old build listed
makers in the order of a query whose order changed from run to run (``--old-twice`` shows it).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from childproc import run_measured
from gitref import file_at, files_at

ROOT = Path(__file__).resolve().parent.parent


def child(kind: str, snapshot: Path, target: Path, old: Path | None) -> None:
    """Run one measured step in this process (the child)."""
    from museion.memory import cap_malloc_arenas

    cap_malloc_arenas()  # as ``museion``'s command line does, before any thread allocates

    from store import Store

    store = Store(snapshot, read_only=True)
    try:
        if kind == "scan":
            quads = store.oxigraph.quads_for_pattern(None, None, None, None)
            count = sum(1 for _ in quads)
        elif kind == "old":
            assert old is not None
            sys.path.insert(0, str(old))
            from search_old import FtsEngine as OldEngine  # type: ignore[import-not-found]

            count = OldEngine().build(store, target, "")
        else:
            from search import FtsEngine

            count = FtsEngine().build(store, target, "")
    finally:
        store.close()
    print(count)


def measure(
    kind: str, snapshot: Path, target: Path, old: Path | None
) -> tuple[float, float, int, str]:
    """Seconds, CPU seconds, peak RSS (bytes) and output of one step in a child process."""
    args = [sys.executable, __file__, "--child", kind, str(snapshot), "--target", str(target)]
    if old is not None:
        args += ["--old-dir", str(old)]
    run = run_measured(args, f"the {kind} step", cwd=ROOT)
    return run.seconds, run.cpu, run.peak_rss, run.output.strip()


def old_package(ref: str, folder: Path) -> Path:
    """The ``search`` package at ``ref``, as ``search_old`` in ``folder``."""
    package = folder / "search_old"
    package.mkdir()
    for name in files_at(ref, "search"):
        if name.endswith(".py"):
            (package / name).write_bytes(file_at(ref, f"search/{name}"))
    return folder


def canonical(path: Path) -> dict[str, object]:
    """An index's content with facet values named rather than numbered, and makers as a set:
    both follow the order makers were read in, which the old build took from a query whose
    order changed from run to run."""
    with closing(sqlite3.connect(path)) as db:
        named = {
            fid: (key, value)
            for fid, key, value in db.execute("SELECT fid, key, value FROM facet_values")
        }
        out: dict[str, object] = {}
        rows = db.execute("SELECT * FROM docs")
        makers = [c[0] for c in rows.description].index("makers")
        out["docs"] = {
            (*row[:makers], tuple(sorted(json.loads(row[makers]))), *row[makers + 1 :])
            for row in rows
        }
        out["nums"] = set(db.execute("SELECT * FROM nums"))
        out["facet_values"] = set(db.execute("SELECT key, value, folded FROM facet_values"))
        out["doc_facets"] = {
            (doc, *named[fid]) for doc, fid in db.execute("SELECT doc, fid FROM doc_facets")
        }
        out["masks"] = {
            (kind, named[value] if kind == "fid" else value, bits)
            for kind, value, bits in db.execute("SELECT kind, value, bits FROM masks")
        }
        meta = dict(db.execute("SELECT key, value FROM meta"))
        meta.pop("schema")  # the version changes with what the index holds; compared below
        summary, counts, centuries = json.loads(meta.pop("everything"))
        out["meta"] = set(meta.items())
        out["everything"] = (
            tuple(summary),
            sorted((named[fid], n) for fid, n in counts),
            sorted(map(tuple, centuries)),
        )
        db.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, fts, 'instance')")
        out["fts terms"] = set(
            db.execute("SELECT term, doc, col, count(*) FROM v GROUP BY 1, 2, 3")
        )
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        if "words" in tables:  # since schema 10; an older index has none to compare
            out["words"] = set(db.execute("SELECT term, docs FROM words"))
    return out


def reordered(a: Path, b: Path) -> str:
    """How many objects list their makers in another order in index ``b`` than in ``a``."""
    with closing(sqlite3.connect(a)) as db:
        db.execute("ATTACH ? AS other", [str(b)])
        (n,) = db.execute(
            "SELECT count(*) FROM docs d JOIN other.docs o USING (iri) WHERE d.makers != o.makers"
        ).fetchone()
    return f"{n:,} objects list their makers in another order" if n else "the same makers order"


def differences(a: Path, b: Path) -> list[str]:
    """What differs between two indexes: a line per part."""
    one, two = canonical(a), canonical(b)
    found = []
    for part in one:
        if part not in two:
            continue
        if isinstance(one[part], set):
            only_a = len(one[part] - two[part])  # type: ignore[operator]
            only_b = len(two[part] - one[part])  # type: ignore[operator]
            if only_a or only_b:
                found.append(f"{part}: {only_a} rows in the old index only, {only_b} in the new")
        elif one[part] != two[part]:
            found.append(f"{part} differ")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--old", default="61dcb61", help="git ref of the baseline build")
    parser.add_argument("--skip-old", action="store_true")
    parser.add_argument(
        "--old-twice", action="store_true", help="build the old index twice and compare them"
    )
    parser.add_argument("--out", type=Path, help="keep the indexes here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--old-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.snapshot, args.target, args.old_dir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        old = None if args.skip_old else old_package(args.old, Path(tmp))
        print(f"search index build of {args.snapshot}")
        print(f"  {'':36} {'seconds':>8} {'CPU s':>7} {'peak RSS':>10} {'objects / quads':>16}")
        steps = [("scan", "quad scan of every graph (floor)")]
        if old is not None:
            steps.append(("old", f"build at {args.old} (baseline)"))
        steps.append(("new", "build, this tree"))
        for kind, what in steps:
            seconds, cpu, rss, output = measure(kind, args.snapshot, out / f"{kind}.sqlite", old)
            print(f"  {what:36} {seconds:8.1f} {cpu:7.1f} {rss / 2**20:8,.0f} M {int(output):>16,}")
        if old is not None and args.old_twice:
            seconds, cpu, rss, _ = measure("old", args.snapshot, out / "old2.sqlite", old)
            print(f"  {'the same, once more':36} {seconds:8.1f} {cpu:7.1f} {rss / 2**20:8,.0f} M")
            print(
                f"old builds: {reordered(out / 'old.sqlite', out / 'old2.sqlite')} objects' makers"
            )
        if old is not None:
            diff = differences(out / "old.sqlite", out / "new.sqlite")
            print("indexes identical" if not diff else "indexes DIFFER:\n  " + "\n  ".join(diff))
            if diff:
                sys.exit(1)


if __name__ == "__main__":
    main()
