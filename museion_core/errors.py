"""The one exception tree every Museion stage raises from.

It lives in its own tiny package because the stage packages (harvesters, mappings, store,
sparql) must not import the ``museion`` application shell, yet all of them need a common root
so that the CLI and the endpoint can report any failure the same way: which source, which
record, what went wrong, and (where it reaches HTTP) which status.
"""

from __future__ import annotations

import difflib
import re
import typing
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

__all__ = [
    "ConfigError",
    "HarvestError",
    "MappingError",
    "MuseionError",
    "QueryError",
    "StoreError",
    "StoreFaultError",
    "WriterBusyError",
    "system_refusal",
]


class MuseionError(Exception):
    """Root of every error Museion raises on purpose.

    ``str(error)`` is one line that names the source, the record and the cause, which is what
    the CLI prints and what a partner report lists.
    """

    http_status: int = 500

    def __init__(
        self,
        cause: str,
        *,
        source: str | None = None,
        record: str | None = None,
        http_status: int | None = None,
    ) -> None:
        self.cause = cause
        self.source = source
        self.record = record
        if http_status is not None:
            self.http_status = http_status
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = []
        if self.source:
            where.append(f"source {self.source!r}")
        if self.record:
            where.append(f"record {self.record!r}")
        prefix = ", ".join(where)
        text = " ".join(self.cause.split())
        return f"{prefix}: {text}" if prefix else text


class ConfigError(MuseionError):
    """A configuration or mapping file is wrong; the message names the file and the key."""

    def __init__(self, cause: str, *, file: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.key = key
        location = ""
        if file and key:
            location = f"{file}: {key}: "
        elif file:
            location = f"{file}: "
        elif key:
            location = f"{key}: "
        super().__init__(location + cause)

    @classmethod
    def from_validation(
        cls,
        error: ValidationError,
        model: type[BaseModel],
        *,
        file: str | None,
        where: str = "",
        known: list[str] | None = None,
    ) -> ConfigError:
        """One line for a pydantic error: an unknown key (with a suggestion) before anything
        else, because a misspelt key is usually why a required one seems missing."""
        # An unknown key first; then, of a value that fits no branch of a union, the branch's
        # own complaint ("'en_US!' is not a valid BCP 47 language tag") rather than "Input
        # should be a valid string" from a branch it was never meant for.
        errors = sorted(
            error.errors(),
            key=lambda e: (
                e["type"] != "extra_forbidden",
                e["type"].endswith("_type"),
                -len(e["loc"]),
            ),
        )
        first = errors[0]
        loc, _ = _walk(model, first["loc"])
        loc = loc or list(first["loc"][-1:])
        path = [f"[{p + 1}]" if isinstance(p, int) else str(p) for p in loc]
        key = ".".join(filter(None, [where, *path])).replace(".[", "[")
        if first["type"] == "extra_forbidden":
            names = known if known is not None else _fields_at(_walk(model, first["loc"][:-1])[1])
            close = difflib.get_close_matches(str(loc[-1]), names, n=1)
            message = "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")
        elif first["type"] == "missing":
            message = "required key is missing"
        else:
            message = str(first["msg"]).removeprefix("Value error, ")
        # Of a value no branch of a union takes, each branch complains ("should be a valid
        # string", "should be a valid list"): one fault, said once.
        faults = {tuple(_walk(model, e["loc"])[0]) for e in errors}
        faults = {f for f in faults if not any(g[: len(f)] == f and g != f for g in faults)}
        if len(faults) > 1:
            message += f" (and {len(faults) - 1} more)"
        return cls(message, file=file, key=key or None)


_BRANCH_MODEL = re.compile(r"(\w+)\]?$")
_BRANCHES = ("list[", "dict[", "set[", "tuple[", "function-", "union[", "tagged-union[", "literal[")
_SCALARS = frozenset({"str", "int", "float", "bool", "bytes", "none", "decimal"})


def _is_branch(part: str) -> bool:
    """Whether a part of pydantic's ``loc`` names a union's branch, not a key: "str",
    "list[...]", "function-after[...]" (a key "interval" or "strict" is a key)."""
    return part in _SCALARS or part.startswith(_BRANCHES)


def _walk(model: Any, loc: tuple[Any, ...]) -> tuple[list[Any], list[Any]]:
    """The keys of pydantic's ``loc`` as the file writes them (without the union branches it
    names: "str", "DateModel", "function-after[…, FieldModel]"), and the models it ends in."""
    keys: list[Any] = []
    current = _models(model)
    for part in loc:
        if isinstance(part, int):  # an item of a list: the same models
            keys.append(part)
            continue
        fields = {n: f for m in current for n, f in getattr(m, "model_fields", {}).items()}
        if part in fields:
            keys.append(part)
            current = _models(fields[part].annotation)
            continue
        found = _BRANCH_MODEL.search(str(part))
        chosen = [m for m in current if found and m.__name__ == found.group(1)]
        if chosen:
            current = chosen
        elif not _is_branch(str(part)):
            keys.append(part)  # a key no model declares (an unknown one)
            current = []
    return keys, current


def _models(annotation: Any) -> list[Any]:
    """The pydantic models an annotation may hold (in a union, a list or a dict)."""
    if hasattr(annotation, "model_fields"):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _fields_at(models: list[Any]) -> list[str]:
    return [name for m in models for name in getattr(m, "model_fields", {})]


class HarvestError(MuseionError):
    """A feed could not be read: a file, a server, or a protocol error."""


class MappingError(MuseionError):
    """A record could not be turned into RDF; the record is quarantined with this reason."""


class StoreError(MuseionError):
    """The triple store refused an operation or is in a state Museion cannot use."""

    put_back = False
    """A remote server's refusal whose write was put back where it happened
    (``store.remote``): it left nothing on the server to send again."""


class StoreFaultError(StoreError):
    """The store failed by itself, whatever was written: a remote server that cannot be
    reached, or one that did not keep a write it acknowledged. No record is to blame, so the
    write is not tried again record by record (which quarantined records for the server's
    fault): the run fails, and the next one writes those records again."""


class WriterBusyError(StoreError):
    """Another process held the data directory's writer lock for longer than this one would
    wait. Nothing is wrong with what this one was to write: it may be run again later."""


class QueryError(MuseionError):
    """A SPARQL query or update was rejected, failed or ran over its limits."""

    http_status = 400


def system_refusal(exc: OSError) -> str:
    """What the system refused, in one line: its reason and the path it names, if any (a
    full disk, a permission, a path that is a file), for a message that is not a traceback."""
    where = f": {exc.filename}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"
