"""The example queries shipped in ``sparql/queries/*.rq``.

Each file starts with comment lines ``# title: ...`` and ``# description: ...`` (the description
may run over several comment lines); the rest is the query, without ``PREFIX`` lines: the
namespaces live in ``museion_core.vocab`` alone, and ``museion_core.prefixes.with_prologue``
declares the ones each query uses. ``ExampleQuery.query`` is that complete text, the one the
query UI shows, the demo runs, the README promises and the tests run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from museion_core.prefixes import with_prologue

__all__ = ["ExampleQuery", "example_queries", "example_query"]


@dataclass(frozen=True)
class ExampleQuery:
    name: str
    title: str
    description: str
    query: str


def _parse(name: str, text: str) -> ExampleQuery:
    title = ""
    description: list[str] = []
    body: list[str] = []
    in_header = True
    for line in text.splitlines():
        stripped = line.strip()
        if in_header and stripped.startswith("#"):
            content = stripped.lstrip("#").strip()
            if content.lower().startswith("title:"):
                title = content[6:].strip()
            elif content.lower().startswith("description:"):
                description.append(content[12:].strip())
            elif description and content:
                description.append(content)
            continue
        in_header = False
        body.append(line)
    if not title:
        raise ValueError(f"example query {name} has no '# title:' line")
    query = with_prologue("\n".join(body).strip() + "\n")
    return ExampleQuery(name, title, " ".join(description), query)


@cache
def example_queries() -> tuple[ExampleQuery, ...]:
    folder = resources.files("sparql").joinpath("queries")
    found = [
        _parse(entry.name.removesuffix(".rq"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".rq")
    ]
    return tuple(sorted(found, key=lambda q: q.name))


def example_query(name: str) -> ExampleQuery:
    for query in example_queries():
        if query.name == name:
            return query
    raise KeyError(name)
