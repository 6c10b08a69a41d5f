"""The sample partner feeds the tests harvest, taken from the one copy of each record.

The Tate and Carnegie Museum of Art records ship with Museion as the demo's feeds
(``museion.demo.examples_dir()``); the tests use a small, fixed choice of them (the
shared-artist works, an "after" attribution, paintings, a foreign title; organisations,
several creators and roles), so that counts in the tests stay put when the demo grows. A files
source needs a folder, so the choice is copied once per test process into a temporary folder
that is removed at exit; nothing is kept twice in the repository.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from museion.demo import examples_dir

__all__ = [
    "CMOA_SAMPLE",
    "LIDO",
    "TATE_SAMPLE",
    "case_input",
    "example",
    "linked_art_context",
    "sample_feeds",
]

#: The LIDO records (tests/data/lido), the one folder every LIDO test reads.
LIDO = Path(__file__).parents[1] / "data" / "lido"

CMOA_SAMPLE = [
    "00078d13-d7c7-4f1b-bbe2-b9afcc25fcbd",
    "00bacd95-2493-40a0-b765-5947ce4ba8ee",
    "01485211-196f-4fdb-886d-1dda12244604",
    "01e2e382-4615-4ef4-bd6e-07f26e32560a",
    "02745549-ce8e-48b9-abcc-0cc7c91c14b2",
    "031bf682-f331-4181-8eef-1baf0963140f",
    "03ad499d-ff84-4694-8748-4c74d2457112",
    "044317c8-ac53-4972-8ae0-41879251cd34",
    "04d60abc-4ef9-453c-97a5-b0117761af50",
    "056bb264-c791-47d9-8c7c-f0d3810d5511",
    "05fcf159-776b-4f9b-80da-3192b6bcc2ab",
    "06a93c1f-e686-449f-bf49-fa6cf46f48db",
    "08780994-b492-4316-82ec-17b82bf654fe",
    "13c3d02f-99d9-413e-a5d3-980649ea79e2",
    "194a0d08-977e-46fb-85ac-f0e173bcd185",
    "1daa83bd-583b-472c-82b9-03b77a4f0b41",
    "1fb65224-a3b2-4caa-84b6-da89a278c87c",
    "2ba3cfe5-de7b-4128-b98e-ccc339d409fa",
    "38b920f1-83d6-4184-8257-4f474a08e68d",
    "65f01c2b-2e79-4a00-a617-0d5c3bdf7b75",
    "89332c43-8dbd-4298-8ef9-80cd3b93471f",
    "b7f5a3b1-a83f-4f9e-8af6-188ac41b97bd",
    "ede50c41-ddec-4f9d-8e71-b77f94c1a680",
    "f70d03e3-0fe7-4f6a-a430-ddced6d09d82",
]

TATE_SAMPLE = {
    "artists": [
        "blake-robert-38",
        "callcott-sir-augustus-wall-78",
        "chagall-marc-881",
        "cox-david-117",
        "creed-martin-2760",
        "guerrilla-girls-6858",
        "guston-philip-1231",
        "jones-george-300",
        "picasso-pablo-1767",
        "smirke-robert-503",
        "stella-frank-1994",
        "turnbull-william-2075",
        "turner-joseph-mallord-william-558",
        "weiner-lawrence-7743",
        "wilkie-sir-david-600",
    ],
    "artworks": [
        "a00001-1035",
        "a00171-2840",
        "a00344-7374",
        "a00514-7544",
        "a00684-7714",
        "a00854-13482",
        "a01024-16169",
        "a01194-69324",
        "a01364-69494",
        "a01534-69664",
        "a01704-69834",
        "ar00133-98483",
        "ar01153-116698",
        "n00345-1908",
        "n05804-2147",
        "p01355-14543",
        "p11419-21728",
        "p12339-80686",
        "p78802-81147",
        "t04406-15075",
        "t06803-20854",
    ],
}


def linked_art_context() -> dict[str, Any]:
    """The Linked Art JSON-LD context (github.com/linked-art/linked.art, CC BY 4.0), read from
    the one copy, the one Museion ships in ``sparql/data``."""
    text = resources.files("sparql").joinpath("data/linked-art-context.json").read_text("utf-8")
    context: dict[str, Any] = json.loads(text)
    return context


def example(relative: str) -> Path:
    """One record of the demo's feeds, e.g. ``example("cmoa/<uuid>.json")``."""
    path = examples_dir() / relative
    if not path.is_file():
        raise FileNotFoundError(f"no demo record {relative} in {examples_dir()}")
    return path


def case_input(case: Path) -> Path:
    """The input of a golden mapping case (a folder of tests/data/mappings): its own
    ``input.*``, or the record its case.toml names by ``input = "examples:<path>"`` (a demo
    record) or ``input = "lido:<file>"`` (tests/data/lido), so a record is never copied."""
    spec = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    named = spec.get("input")
    if named is None:
        [own] = case.glob("input.*")
        return own
    kind, _, relative = str(named).partition(":")
    if kind == "examples":
        return example(relative)
    if kind == "lido" and (LIDO / relative).is_file():
        return LIDO / relative
    raise FileNotFoundError(f"{case.name}/case.toml: input {named!r} names no fixture")


@functools.cache
def sample_feeds() -> Path:
    """A folder with ``cmoa/`` (24 records) and ``tate/artists``, ``tate/artworks`` (15 and 21),
    copied from the demo's feeds; made once per process, removed when it exits."""
    root = Path(tempfile.mkdtemp(prefix="museion-sample-feeds-"))
    atexit.register(shutil.rmtree, root, True)
    wanted = [f"cmoa/{name}.json" for name in CMOA_SAMPLE] + [
        f"tate/{folder}/{name}.json" for folder, names in TATE_SAMPLE.items() for name in names
    ]
    for relative in wanted:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example(relative), target)
    return root
