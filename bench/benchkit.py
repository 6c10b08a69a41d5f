"""What several benchmarks share: the bundled sample records, feeds of N records made from
them, a configuration harvesting those feeds, and a timer of records per second.

One place for these, so that every benchmark measures the same records the same way and a
figure in one is comparable with a figure in another.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import harvesters
from harvesters.files import FilesOptions
from mappings import get_mapping
from museion.demo import examples_dir

BASE = "https://data.example.org/"


def sample_records(folders: Mapping[str, str]) -> list[tuple[str, harvesters.SourceRecord]]:
    """(source, record) for every bundled sample of each source, read from the source's
    sample folder (``folders[source]`` below it; "" for the whole folder) by the files
    harvester, as a harvest would read them."""
    records = []
    for source, folder in folders.items():
        mapping = get_mapping(source)
        spec = harvesters.SourceSpec(
            name=source,
            location=str(examples_dir() / source / folder),
            options=FilesOptions(),
            identify=mapping.identify,
        )
        for item in harvesters.create_harvester("files", spec):
            assert isinstance(item, harvesters.SourceRecord)
            records.append((source, item))
    return records


def write_feed(
    folder: Path,
    count: int,
    changed: frozenset[int] = frozenset(),
    withdrawn: frozenset[int] = frozenset(),
) -> None:
    """``count`` records per the samples' shares, CMOA and Tate artworks, with fresh ids, as
    ``cmoa.jsonl`` and ``tate.jsonl``; the records numbered in ``changed`` get a revised
    title (a re-harvest that changes them), those in ``withdrawn`` are left out."""
    folder.mkdir(parents=True, exist_ok=True)
    cmoa = [json.loads(p.read_bytes()) for p in sorted((examples_dir() / "cmoa").glob("*.json"))]
    tate = [
        json.loads(p.read_bytes())
        for p in sorted((examples_dir() / "tate" / "artworks").glob("*.json"))
    ]
    with (folder / "cmoa.jsonl").open("w") as a, (folder / "tate.jsonl").open("w") as b:
        for n in range(count):
            if n in withdrawn:
                continue
            if n % 2:
                record = dict(cmoa[n % len(cmoa)], id=f"cmoa:things/copy-{n}")
                out = a
            else:
                record = dict(tate[n % len(tate)], acno=f"X{n:07d}")
                out = b
            if n in changed:
                record["title"] += " (revised)"
            out.write(json.dumps(record) + "\n")


def write_config(folder: Path, feed: Path, store: str = "") -> Path:
    """``folder/museion.toml``: a store in ``folder`` harvesting the feeds ``write_feed``
    wrote in ``feed``; ``store``: more ``[store]`` keys (TOML lines)."""
    path = folder / "museion.toml"
    sources = "".join(
        f'[[sources]]\nname = "{name}"\nkind = "files"\nlocation = "{feed / (name + ".jsonl")}"\n'
        f'mapping = "{name}"\n[sources.partner]\nlabel = "{name}"\n'
        for name in ("cmoa", "tate")
    )
    path.write_text(f'[store]\npath = "store"\n{store}[publish]\nbase_iri = "{BASE}"\n{sources}')
    return path


def feed_and_config(root: Path, count: int) -> Path:
    """``count`` records as feeds in ``root/feed``, and the configuration that harvests them
    into a store in ``root``."""
    write_feed(root / "feed", count)
    return write_config(root, root / "feed")


def rate(
    run: Callable[[], None], count: int, rounds: int, pick: Callable[[list[float]], float]
) -> float:
    """Records per second of ``run`` (which handles ``count`` records): ``pick`` (the median,
    or the least disturbed: min) of ``rounds`` timed runs."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return count / pick(times)
