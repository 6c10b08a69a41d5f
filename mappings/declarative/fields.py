"""Compiled field specifications: a path plus its options, evaluated against a parsed record.

Paths: keys joined by ``.``; ``[]`` goes into every item of a list and ``[N]`` takes one item.
A list met where a key is expected is walked implicitly, so ``creator.full_name`` and
``creator[].full_name`` mean the same. A key that contains dots (a CSV column ``"Dim. (cm)"``)
is found as it is before the path is split. A record's own keys are matched with their white
space made plain (``names``): "N° inventaire" typed finds Excel's "N°\u00a0inventaire".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..builder import DEFAULT_LANGUAGE, Lang
from ..normalise.text import clean_text
from .names import spaced_name
from .schema import FieldLike, FieldModel

__all__ = ["Field", "FieldList", "Path", "compile_fields"]

Step = str | int | None  # key, list index, or None for "every item"
_STEP = re.compile(r"([^.\[\]]+)|\[(\d*)\]")


class Path:
    __slots__ = ("key", "spaced", "steps", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.spaced = spaced_name(text) if spaced_name(text) != text else None
        """The path as a key with its white space made plain (``names.spaced_name``), where that
        differs: a path typed with a no-break space finds the column of a plain one."""
        self.key: str | None = None
        """The one key of a one-key path (most of them), read with a single ``dict.get``."""
        steps: list[Step] = []
        if text.strip() == ".":
            self.steps: tuple[Step, ...] = ()  # the value itself
            return
        position = 0
        for found in _STEP.finditer(text):
            between = text[position : found.start()].strip(".")
            if between:
                raise ValueError(f"cannot read path {text!r} near {between!r}")
            key, index = found.groups()
            if key is not None:
                # a record's own keys are matched spaced (``names.spaced_keys``), the keys
                # of objects within it as they are
                steps.append(spaced_name(key) if not steps else key.strip())
            else:
                steps.append(int(index) if index else None)
            position = found.end()
        if not steps or text[position:].strip("."):
            raise ValueError(f"cannot read path {text!r}")
        self.steps = tuple(steps)
        if len(steps) == 1 and isinstance(steps[0], str):
            self.key = steps[0]

    def evaluate(self, obj: Any) -> list[Any]:
        if isinstance(obj, dict):
            if self.text in obj:
                return _flatten([obj[self.text]])
            if self.spaced is not None and self.spaced in obj:
                return _flatten([obj[self.spaced]])
            if self.key is not None:  # the common case, without the general walk
                value = obj.get(self.key)
                if value is None:
                    return []
                if isinstance(value, list):
                    return [v for v in value if v is not None]
                return [value]
        if not self.steps:
            return _flatten([obj])
        current = [obj]
        for step in self.steps:
            found: list[Any] = []
            for value in current:
                _step(value, step, found)
            if not found:
                return found
            current = found
        return _flatten(current)


def _step(value: Any, step: Step, out: list[Any]) -> None:
    if step is None:
        if isinstance(value, list):
            out.extend(v for v in value if v is not None)
        elif value is not None:
            out.append(value)
    elif isinstance(step, int):
        if isinstance(value, list) and step < len(value):
            out.append(value[step])
    elif isinstance(value, dict):
        found = value.get(step)
        if found is not None:
            out.append(found)
    elif isinstance(value, list):
        for item in value:
            _step(item, step, out)


def _flatten(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.extend(v for v in value if v is not None)
        elif value is not None:
            out.append(value)
    return out


def _folded(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class Field:
    """One field spec, compiled. ``values`` gives cleaned strings and numbers, never empties."""

    path: Path | None
    constant: Any
    pattern: re.Pattern[str] | None
    split: re.Pattern[str] | None
    ignore: frozenset[Any]
    replace: dict[Any, Any]
    default: Any
    language: Lang
    vocab: str | None
    precision: str | None
    skip_unmatched: bool
    scan: bool = False
    html: bool = False

    @classmethod
    def compile(cls, spec: str | FieldModel) -> Field:
        if isinstance(spec, str):
            spec = FieldModel(path=spec)
        return cls(
            path=Path(spec.path) if spec.path is not None else None,
            constant=spec.value,
            pattern=re.compile(spec.pattern) if spec.pattern else None,
            split=re.compile(spec.split) if spec.split else None,
            ignore=frozenset(_folded(v) for v in spec.ignore),
            replace={_folded(k): v for k, v in spec.map.items()},
            default=spec.default,
            language=DEFAULT_LANGUAGE if spec.language is None else (spec.language or None),
            vocab=spec.vocab,
            precision=spec.precision,
            skip_unmatched=spec.unmatched == "skip",
            scan=spec.scan,
            html=bool(spec.html),
        )

    @property
    def source(self) -> str:
        """The source field the values come from, as the mapping names it ("" for a
        constant): what a partner report points to."""
        return "" if self.path is None else self.path.text

    def values(self, obj: Any) -> list[Any]:
        raw = [self.constant] if self.path is None else self.path.evaluate(obj)
        out: list[Any] = []
        for found in raw:
            for value in _flat(found) if isinstance(found, list) else (found,):
                if isinstance(value, dict | bool):
                    continue
                if isinstance(value, str):
                    if self.split is None:
                        self._add(clean_text(value, html_markup=self.html), out)
                    else:
                        for part in self.split.split(value):
                            self._add(clean_text(part, html_markup=self.html), out)
                else:
                    self._add(value, out)
        if not out and self.default is not None:
            out.append(self.default)
        return out

    def _add(self, value: Any, out: list[Any]) -> None:
        if value == "" or (self.ignore and _folded(value) in self.ignore):
            return
        if self.replace:
            value = self.replace.get(_folded(value), value)
        if self.pattern is not None:
            if not isinstance(value, str):
                value = str(value)
            found = self.pattern.search(value)
            if not found:
                return
            groups = found.groupdict()
            value = groups.get("value") or (found.group(1) if found.re.groups else found.group())
            if not value:
                return
            value = value.strip()
        out.append(value)


def _flat(values: Iterable[Any]) -> Iterator[Any]:
    """The values of lists within lists (``"title": [["a", "b"]]``): each one is a value, and
    a list is never handed on as if it were one."""
    for value in values:
        if isinstance(value, list):
            yield from _flat(value)
        else:
            yield value


class FieldList:
    """Several field specs read one after another (``titles = ["title", "foreignTitle"]``)."""

    __slots__ = ("fields",)

    def __init__(self, fields: Iterable[Field]) -> None:
        self.fields = tuple(fields)

    def values(self, obj: Any) -> list[Any]:
        if len(self.fields) == 1:
            return self.fields[0].values(obj)
        return [v for f in self.fields for v in f.values(obj)]

    def items(self, obj: Any) -> list[tuple[Any, Field]]:
        """Each value with the field it came from, for per-field languages and vocabularies."""
        return [(v, f) for f in self.fields for v in f.values(obj)]

    def first(self, obj: Any) -> Any:
        for f in self.fields:
            found = f.values(obj)
            if found:
                return found[0]
        return None

    def first_item(self, obj: Any) -> tuple[Any, Field] | None:
        """The first value, with the field it came from (``first``)."""
        for f in self.fields:
            found = f.values(obj)
            if found:
                return found[0], f
        return None

    def paths(self) -> list[str]:
        return [f.path.text for f in self.fields if f.path is not None]


def compile_fields(spec: FieldLike | None) -> FieldList | None:
    if spec is None:
        return None
    specs = spec if isinstance(spec, list) else [spec]
    return FieldList(Field.compile(s) for s in specs)
