"""JSON Schema validation against the published schemas copied into tests/data/schemas,
offline: every ``$ref`` resolves to a file beside the schema, never to the network."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.conftest import DATA

SCHEMAS = DATA / "schemas"


@cache
def _registry(folder: Path) -> Registry[Any]:
    """Every schema in ``folder``, under its own ``$id`` and under its file name resolved
    against each ``$id`` base in the folder (some files carry another version's ``$id``)."""
    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}
    bases = {str(d["$id"]).rsplit("/", 1)[0] for d in documents.values() if "$id" in d}
    resources: list[tuple[str, Resource[Any]]] = []
    for name, document in documents.items():
        resource = Resource.from_contents(document, default_specification=DRAFT7)
        if "$id" in document:
            resources.append((str(document["$id"]).rstrip("#"), resource))
        resources += [(f"{base}/{name}", resource) for base in bases]
    return Registry().with_resources(resources)


def validate(folder: str, name: str, instance: object) -> list[str]:
    """The schema's complaints about ``instance`` (empty when it is valid)."""
    path = SCHEMAS / folder
    schema = json.loads((path / name).read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, registry=_registry(path))
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]
