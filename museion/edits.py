"""What changed in a changed record, field by field, for the partner report.

A partner reading "1 changed: MG-1890-003" could not tell what Museion saw change: an edit of
the title, a trailing space, a column emptied. The report lists, for each changed record it
names, the source fields whose values differ between the version published before and the
one the run read, with both values (shortened). Pure functions over two payloads: the
pipeline reads the old one from the record index before the run is applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from harvesters import XmlError, load_json, parse_xml
from museion_core.messages import clipped

__all__ = ["SHOWN", "Edit", "payload_edits", "payload_values"]

SHOWN = 6
"""Fields listed for one record; the report says how many more changed."""
WIDTH = 80
"""Characters of a value shown before it is cut with an ellipsis."""


@dataclass(frozen=True, slots=True)
class Edit:
    field: str
    before: str
    after: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "before": self.before, "after": self.after}


def payload_edits(media_type: str, old: bytes, new: bytes) -> list[Edit]:
    """The fields whose values differ between two payloads of one record, in field order; a
    value is "" where the field is empty or absent. Whitespace alone ("MG-3 " for "MG-3") is a
    change too: it is what the partner's export changed."""
    before, after = payload_values(media_type, old), payload_values(media_type, new)
    edits = []
    for field in sorted(before.keys() | after.keys()):
        was, now = before.get(field, ""), after.get(field, "")
        if was != now:
            edits.append(Edit(field, _short(was), _short(now)))
    return edits


def payload_values(media_type: str, payload: bytes) -> dict[str, str]:
    """{field path: its values, joined by " | "} of a JSON or XML payload (the paths of
    ``museion.coverage.payload_fields``, and an XML element's attributes as ``path/@name``);
    {} for a payload that does not parse."""
    found: dict[str, list[str]] = {}
    if "json" in media_type:
        try:
            _json_values(load_json(payload), "", found)
        except (ValueError, UnicodeDecodeError):
            return {}
    elif "xml" in media_type:
        try:
            root = parse_xml(payload)
        except XmlError:
            return {}
        _xml_values(root, "", found)
    return {path: " | ".join(values) for path, values in found.items()}


def _json_values(value: object, prefix: str, found: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _json_values(item, f"{prefix}.{key}" if prefix else str(key), found)
    elif isinstance(value, list):
        for item in value:
            _json_values(item, prefix, found)
    elif value is not None and value != "" and prefix:
        found.setdefault(prefix, []).append(_json_text(value))


def _json_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_values(element: etree._Element, prefix: str, found: dict[str, list[str]]) -> None:
    name = etree.QName(element).localname if isinstance(element.tag, str) else ""
    if not name:
        return
    path = f"{prefix}/{name}" if prefix else name
    for key, value in element.attrib.items():  # lido:type="inventory number", xml:lang="de"
        found.setdefault(f"{path}/@{etree.QName(key).localname}", []).append(str(value))
    children = [c for c in element if isinstance(c.tag, str)]
    text = element.text or ""
    if not children and text.strip():
        found.setdefault(path, []).append(text)
    for child in children:
        _xml_values(child, path, found)


def _short(text: str) -> str:
    """The value as shown: cut at ``WIDTH``, and its leading and trailing spaces made visible
    ("MG-3␣"), for a change of spaces alone is otherwise a change nobody can see."""
    core = text.strip()
    if core != text:
        start = text.index(core[0]) if core else len(text)
        text = "␣" * start + core + "␣" * (len(text) - start - len(core))
    return clipped(text, WIDTH)
