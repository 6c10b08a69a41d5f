"""The README is tested: its config keys, CLI commands and options, example queries and import
graph are checked against the code, both ways (what it names exists; what exists is named).

A key, command or option added to the code without a line in the README fails here, and so
does a README line about one that was renamed or removed.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from pydantic import BaseModel
from pyoxigraph import QuerySolutions, QueryTriples

import harvesters
import sparql
from museion.cli import main
from museion.config import (
    EndpointSection,
    GatesConfig,
    PartnerConfig,
    PublishSection,
    ReconciliationSection,
    StoreSection,
    WorkspaceSection,
    _File,
    _SourceCommon,
    parse_config,
)
from museion.demo import demo_config
from museion.pipeline import Pipeline
from publish import Workspace
from store import Store

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

SECTIONS: dict[str, type[BaseModel]] = {
    "store": StoreSection,
    "publish": PublishSection,
    "endpoint": EndpointSection,
    "workspace": WorkspaceSection,
    "reconciliation": ReconciliationSection,
    "sources": _SourceCommon,
    "sources.partner": PartnerConfig,
    "sources.gates": GatesConfig,
}
SOURCE_TABLES = {"partner": "sources.partner", "gates": "sources.gates"}
HELP = {"-h", "--help"}


def readme() -> str:
    return README.read_text(encoding="utf-8")


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def by_heading(text: str) -> Iterator[tuple[str, str]]:
    """(heading, body) for every ## and ### section."""
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.MULTILINE)
    yield from zip(parts[1::2], parts[2::2], strict=True)


def keys_of(model: type[BaseModel]) -> set[str]:
    """The TOML keys a model reads (a field's alias where it has one: ``from``)."""
    return {field.alias or name for name, field in model.model_fields.items()}


def expected_keys() -> dict[str, set[str]]:
    """Every key the config models accept, by scope (``store``, ``sources.files``, ...)."""
    scopes = {scope: keys_of(model) for scope, model in SECTIONS.items()}
    scopes["sources"] -= set(SOURCE_TABLES)
    for kind in harvesters.available_kinds():
        scopes[f"sources.{kind}"] = keys_of(harvesters.options_model(kind))
    return scopes


def config_blocks(text: str) -> list[dict[str, Any]]:
    """The README's TOML blocks that are museion.toml (not mapping or overrides files)."""
    blocks = [tomllib.loads(block) for block in fenced(text, "toml")]
    return [data for data in blocks if set(data) & set(_File.model_fields)]


def documented_keys(text: str) -> dict[str, set[str]]:
    """Every key the README documents, by scope: the config examples and the key tables."""
    found: dict[str, set[str]] = {}

    def note(scope: str, keys: Any) -> None:
        found.setdefault(scope, set()).update(keys)

    for data in config_blocks(text):
        note("_unknown", set(data) - set(_File.model_fields))
        for section, value in data.items():
            if section != "sources":
                note(section, value)
                continue
            for source in value if isinstance(value, list) else [value]:
                for key, option in source.items():
                    if key in SOURCE_TABLES:
                        note(SOURCE_TABLES[key], option)
                    elif key in _SourceCommon.model_fields:
                        note("sources", [key])
                    else:
                        note(f"sources.{source['kind']}", [key])
    for heading, body in by_heading(text):
        kind = re.match(r'### `kind = "(\w+)"`', heading)
        if kind is None:
            continue
        for row in re.findall(r"^\| (`[^|]*`) \|", body, flags=re.MULTILINE):
            note(f"sources.{kind.group(1)}", re.findall(r"`([a-z_]+)`", row))
    return found


def test_every_documented_config_key_exists_and_every_key_is_documented() -> None:
    expected, documented = expected_keys(), documented_keys(readme())
    assert not documented.pop("_unknown", set()), "the README shows an unknown [table]"
    unknown = {s: sorted(k - expected.get(s, set())) for s, k in documented.items()}
    missing = {s: sorted(k - documented.get(s, set())) for s, k in expected.items()}
    assert not {s: k for s, k in unknown.items() if k}, "the README documents unknown keys"
    assert not {s: k for s, k in missing.items() if k}, "keys the README does not document"


def test_the_configuration_example_loads(tmp_path: Path) -> None:
    complete = [data for data in config_blocks(readme()) if "publish" in data]
    assert complete, "the Configuration section shows a whole museion.toml"
    for block in fenced(readme(), "toml"):
        if "[publish]" in block:
            config = parse_config(block, tmp_path / "museion.toml")
            assert config.sources


# --- the command line ------------------------------------------------------------------------


def commands() -> dict[tuple[str, ...], click.Command]:
    """Every command and subcommand of ``museion`` by its path (the group itself at ())."""
    found: dict[tuple[str, ...], click.Command] = {(): main}
    pending: list[tuple[tuple[str, ...], click.Command]] = [((), main)]
    while pending:
        path, command = pending.pop()
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                found[(*path, name)] = sub
                pending.append(((*path, name), sub))
    return found


def options(command: click.Command) -> list[set[str]]:
    """Each option of a command as the set of its spellings (``{"-o", "--output"}``)."""
    return [
        set(param.opts) | set(param.secondary_opts)
        for param in command.params
        if isinstance(param, click.Option) and param.name != "help"
    ]


def parse_command(tokens: list[str]) -> tuple[tuple[str, ...], list[str], list[str]]:
    """A ``museion ...`` line as (command path, options named, the other words)."""
    known = commands()
    words = [t.strip("[]").replace("\\|", "|") for t in tokens]
    path: tuple[str, ...] = ()
    named: list[str] = []
    rest: list[str] = []
    skip = False
    for word in words:
        if skip:  # the global option's value
            skip = False
        elif word in ("--config", "-c") and not path:
            named.append(word)
            skip = True
        elif word.startswith("-") and len(word) > 1:
            named.append(word.split("=")[0])
        elif (*path, word) in known and not rest:
            path = (*path, word)
        else:
            rest.append(word)
    return path, named, rest


def command_lines(text: str) -> Iterator[list[str]]:
    """The tokens of every ``museion ...`` the README shows: code spans and shell blocks."""
    starts = re.compile(r"^(?:\.venv/bin/)?museion\s+[a-zA-Z\[-]")  # not `museion → ...`
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    for span in re.findall(r"(?<!`)`([^`]+)`(?!`)", prose):
        if starts.match(span):
            yield span.split()[1:]
    for block in fenced(text, "sh"):
        lines = block.replace("\\\n", " ").splitlines()
        while lines:
            line = lines.pop(0)
            while line.count("'") % 2 and lines:  # a quoted query over several lines
                line += "\n" + lines.pop(0)
            if starts.match(line.strip()):
                yield shlex.split(line, comments=True)[1:]


def command_table(text: str) -> list[tuple[tuple[str, ...], list[str]]]:
    """The rows of the "Command line" table: (command path, every option the row names)."""
    body = dict(by_heading(text))["## Command line"]
    rows = []
    for row in re.findall(r"^\| `(.+)$", body, flags=re.MULTILINE):
        spans = re.findall(r"`([^`]+)`", "`" + row)
        path, named, _ = parse_command(spans[0].split())
        for span in spans[1:]:
            named += [w for w in span.split() if re.match(r"^--?[a-z]", w)]
        rows.append((path, named))
    return rows


def test_every_command_the_readme_names_exists_with_its_options() -> None:
    known = commands()
    lines = list(command_lines(readme()))
    assert len(lines) > 10
    for tokens in lines:
        path, named, rest = parse_command(tokens)
        if not path:
            assert not rest or rest[0].isupper(), f"museion {' '.join(tokens)}: no such command"
        spellings = set().union(*options(known[path]), *options(main), HELP)
        assert set(named) <= spellings, f"museion {' '.join(tokens)}: no such option"
    for path, named in command_table(readme()):
        assert path in known, f"the table names `{' '.join(path)}`, which museion lacks"
        assert set(named) <= set().union(*options(known[path])), path


def test_every_command_and_option_is_in_the_command_table() -> None:
    rows = command_table(readme())
    documented: dict[tuple[str, ...], set[str]] = {}
    for path, named in rows:
        documented.setdefault(path, set()).update(named)
    for path, command in commands().items():
        if not path:
            continue
        if isinstance(command, click.Group):
            assert any(p[: len(path)] == path for p in documented), path
            continue
        assert path in documented, f"`museion {' '.join(path)}` is not in the command table"
        for spellings in options(command):
            assert spellings & documented[path], f"{' '.join(path)}: {spellings} undocumented"
    shown = {option for tokens in command_lines(readme()) for option in parse_command(tokens)[1]}
    for spellings in options(main):
        assert spellings & shown, f"museion's {spellings} is not documented"


# --- the example queries -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    config = demo_config(tmp_path_factory.mktemp("readme-demo"))
    Pipeline(config).harvest()
    return Workspace(config.data_dir).open_published()


def example_queries(text: str) -> dict[str, str]:
    """Every query the README gives: ```sparql blocks, `museion query '...'` lines, and the
    files of sparql/queries/ it names (all of them: it names the folder's *.rq)."""
    found = {f"```sparql block {n}": q for n, q in enumerate(fenced(text, "sparql"), start=1)}
    for tokens in command_lines(text):
        path, _, rest = parse_command(tokens)
        if path == ("query",) and rest and rest[0].lstrip().upper().startswith("SELECT"):
            found[f"museion query {rest[0][:30]}…"] = rest[0]
    assert "`sparql/queries/*.rq`" in text
    folder = ROOT / "sparql" / "queries"
    for name in sorted(set(re.findall(r"\b(\d\d-[a-z0-9-]+)\.rq\b", text))):
        assert (folder / f"{name}.rq").is_file(), f"the README names {name}.rq, which is missing"
    for example in sparql.example_queries():  # as shown and run: with their PREFIX lines
        found[f"{example.name}.rq"] = example.query
    return found


def test_every_example_query_answers_on_the_demo(demo_store: Store) -> None:
    queries = example_queries(readme())
    assert len(queries) >= 10
    for name, query in queries.items():
        result = demo_store.query(query, prefixes=sparql.PREFIXES)
        assert isinstance(result, QuerySolutions | QueryTriples), name
        assert list(result), f"{name} answers nothing on the demo"


def test_the_exhibition_checklist_gives_each_work_once_in_one_unit(demo_store: Store) -> None:
    """The checklist example paired every height with every width (Tate gives both in mm and
    cm, CMOA in cm and inches): four rows a work, "79.7 × 597 centimeters". Each work is now
    one row in centimetres, and the image's rights (Tate's) are in a column of their own."""
    (checklist,) = [q for q in sparql.example_queries() if q.name == "06-exhibition-checklist"]
    result = demo_store.query(checklist.query, prefixes=sparql.PREFIXES)
    assert isinstance(result, QuerySolutions)
    rows = [
        {v.value: t.value for v in result.variables if (t := row[v]) is not None} for row in result
    ]
    objects = [row["object"] for row in rows]
    assert len(objects) >= 8
    assert len(set(objects)) == len(objects)  # one row a work
    assert {row["unit"] for row in rows} == {"centimeters"}
    by_accession = {row.get("accession"): row for row in rows}
    assert (by_accession["P01355"]["height"], by_accession["P01355"]["width"]) == ("79.7", "59.7")
    assert by_accession["T06803"]["imageRights"] == "© Succession Picasso/DACS 2014"


# --- the architecture ----------------------------------------------------------------------------


def test_the_readme_import_graph_is_the_codes() -> None:
    printed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_graph.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    section = dict(by_heading(readme()))["## Architecture"]
    assert printed in section, "regenerate it: python scripts/import_graph.py --write"
    edges = {
        package: [] if "(nothing" in used else used.split(", ")
        for package, used in re.findall(r"^(\w+) +→ (.+)$", printed, flags=re.MULTILINE)
    }
    assert edges["museion_core"] == [], "museion_core is the leaf"
    assert not [p for p, used in edges.items() if "museion" in used], "no stage imports the shell"
    done: list[str] = []
    while len(done) < len(edges):  # a topological order exists: the graph has no cycle
        ready = [p for p in edges if p not in done and set(edges[p]) <= set(done)]
        assert ready, f"a cycle among {sorted(set(edges) - set(done))}"
        done += ready
