"""Planning aids for a travelling exhibition: totals, wall length, and what needs care.

Light-sensitive objects are found by the AAT concepts they carry as materials or types,
listed as data in ``sparql/data/light_sensitive.toml`` (each with its label and group), never
by matching words in free text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from mappings import label_in_language, unqualified_labels
from museion_core.vocab import aat

from .rows import WITHDRAWN
from .store import Checklist, Item

__all__ = ["LightSensitive", "Plan", "light_sensitive_concepts", "plan"]


@dataclass(frozen=True)
class LightSensitive:
    iri: str
    label: str
    group: str

    def label_in(self, lang: str) -> tuple[str, str]:
        """The label in ``lang`` as search facets and object pages give the concept ("papier",
        "ورق"), with its language tag; the English one where Museion knows none in ``lang``,
        without AAT's qualifier as the pages name it ("paper", not "paper (fiber product)")."""
        text = label_in_language(self.label, lang)
        return (text, lang) if text != self.label else (unqualified_labels([self.label])[0], "en")


@cache
def light_sensitive_concepts() -> dict[str, LightSensitive]:
    text = resources.files("sparql").joinpath("data/light_sensitive.toml").read_text("utf-8")
    out: dict[str, LightSensitive] = {}
    for entry in tomllib.loads(text)["concept"]:
        iri = aat(str(entry["aat"])).value
        out[iri] = LightSensitive(iri, str(entry["label"]), str(entry["group"]))
    return out


@dataclass
class Advice:
    iri: str
    title: str
    kind: str
    """``withdrawn``, ``no-dimensions``, ``no-image`` or ``light``."""
    detail: str = ""
    groups: list[str] = field(default_factory=list)
    """``light``: the groups (``works on paper``...), a UI string the page translates."""
    materials: list[str] = field(default_factory=list)
    """``light``: the materials' labels (data, as the vocabulary gives them)."""


@dataclass
class Plan:
    objects: int = 0
    withdrawn: int = 0
    lenders: list[str] = field(default_factory=list)
    wall_cm: float = 0.0
    """Widths of the current objects that have one, plus the spacing between them."""
    widths_counted: int = 0
    spacing_cm: float = 0.0
    light_groups: dict[str, int] = field(default_factory=dict)
    warnings: list[Advice] = field(default_factory=list)

    @property
    def wall_m(self) -> float:
        return round(self.wall_cm / 100, 2)

    @property
    def without_width(self) -> int:
        return self.objects - self.withdrawn - self.widths_counted


def light_concepts_of(item: Item) -> list[LightSensitive]:
    known = light_sensitive_concepts()
    seen = dict.fromkeys([*item.fields.material_iris, *item.fields.type_iris])
    return [known[iri] for iri in seen if iri in known]


def plan(checklist: Checklist) -> Plan:
    out = Plan(objects=len(checklist.items), spacing_cm=checklist.spacing_cm)
    lenders: dict[str, None] = {}
    widths: list[float] = []
    for item in checklist.items:
        f = item.fields
        title = f.title or item.iri
        if item.status == WITHDRAWN:
            out.withdrawn += 1
            out.warnings.append(Advice(item.iri, title, "withdrawn", item.withdrawn_at[:10]))
            continue
        if f.lender:
            lenders.setdefault(f.lender)
        width = f.framed_width_cm if f.framed_width_cm is not None else f.width_cm
        if width is not None:  # framed where the record says, as it hangs
            widths.append(width)
        if f.width_cm is None and f.height_cm is None:
            out.warnings.append(Advice(item.iri, title, "no-dimensions"))
        if not f.image:
            out.warnings.append(Advice(item.iri, title, "no-image"))
        light = light_concepts_of(item)
        if light:
            groups = list(dict.fromkeys(c.group for c in light))
            for group in groups:
                out.light_groups[group] = out.light_groups.get(group, 0) + 1
            detail = ", ".join(groups) + ": " + ", ".join(c.label for c in light)
            labels = [c.label for c in light]
            out.warnings.append(Advice(item.iri, title, "light", detail, groups, labels))
    out.lenders = list(lenders)
    out.widths_counted = len(widths)
    if widths:
        out.wall_cm = round(sum(widths) + checklist.spacing_cm * (len(widths) - 1), 1)
    return out
