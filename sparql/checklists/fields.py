"""The registrar's fields of one checklist row, as stored with the checklist item and given by
the JSON API: the row's reading (``rows``) fills them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..i18n import translate
from ..object_terms import MATERIALS, term_label, terms_listed
from ..readers import Text

__all__ = ["Fields", "rounded_cm"]


def rounded_cm(value: float | None) -> float | None:
    """Centimetres to a millimetre: 48.9, not the 48.895 of 19.25 inches."""
    return None if value is None else round(value, 1)


_CENTIMETRES = ("height_cm", "width_cm", "depth_cm", "framed_width_cm")


@dataclass
class Fields:
    """The registrar's fields of one object (JSON-able: stored with the checklist item so a
    withdrawn object keeps what was known of it)."""

    iri: str
    title: str = ""
    titles: dict[str, str] = field(default_factory=dict)
    """Every title by language tag ("" for none)."""
    lender: str = ""
    lender_iri: str = ""
    accession_number: str = ""
    makers: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    """Whom the work is after (a print "after Turner"), not its makers: the page and the
    exports say "after", in the reader's language."""
    date: str = ""
    begin: str = ""
    end: str = ""
    materials: list[str] = field(default_factory=list)
    material_iris: list[str] = field(default_factory=list)
    material_labels: list[dict[str, str]] = field(default_factory=list)
    """Each material's labels by language tag (beside ``materials``, their preferred
    labels), for a page or an export in the reader's language."""
    type_iris: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    medium: str = ""
    dimensions: str = ""
    """The partner's own dimension statement, in its own units, one line per part measured
    (``"\\n"`` between them); built from the partner's own figures ("19.25 × 14.25 in") where
    it states none."""
    height_cm: float | None = None
    width_cm: float | None = None
    depth_cm: float | None = None
    dimensions_of: str = ""
    """Where the object has no sizes of its own but its parts do (a work in six sheets, "support,
    each"): the measured part's label; the sizes above are then that part's."""
    parts_measured: int = 0
    """How many such parts have sizes: with more than one, the sizes are the widest one's."""
    framed_width_cm: float | None = None
    """The width of the object's frame, where the record measures it: what a wall holds."""
    credit_line: str = ""
    rights: str = ""
    image_rights: str = ""
    """The rights in the object's image (a photograph's copyright), for a catalogue."""
    image: str = ""
    web_page: str = ""
    langs: dict[str, str] = field(default_factory=dict)
    """The language tag of each text field that has one (``{"medium": "en"}``), for the
    page to give the partner's words their own language and direction."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def makers_in(self, lang: str) -> list[str]:
        """The makers, then whom the work is after ("d’après Joseph Mallord William Turner")."""
        return [*self.makers, *(f"{translate('after', lang)} {name}" for name in self.after)]

    def materials_in(self, lang: str) -> list[str]:
        """The materials' labels in ``lang`` where the vocabulary has one ("papier" for
        paper on a French page), else as ``materials`` has them."""
        return [label for label, _tag in self.materials_shown(lang)]

    def materials_shown(self, lang: str) -> list[tuple[str, str]]:
        """``materials_in`` with each label's language tag, for the page to mark an
        English label on a French page as English: each named as the object page names it
        (``object_terms.term_label``), so that a French lender's "eau-forte" is AAT's
        etching on an Arabic checklist too ("حفر حمضي"), and each once."""
        if len(self.material_labels) != len(self.materials):  # stored before they were kept
            return [(t.value, t.lang) for t in terms_listed([Text(m) for m in self.materials])]
        iris = self.material_iris
        if len(iris) != len(self.materials):
            iris = [""] * len(self.materials)
        shown: list[Text] = []
        for labels, preferred, iri in zip(self.material_labels, self.materials, iris, strict=True):
            texts = [Text(value, tag) for tag, value in labels.items()] or [Text(preferred)]
            shown.append(term_label(texts, lang, MATERIALS, iri))
        return [(said.value, said.lang) for said in terms_listed(shown)]

    def public_json(self) -> dict[str, Any]:
        """As the JSON API gives them: centimetres to a millimetre, as the exports and the
        page give them (48.9, not the 48.895 of 19.25 inches); ``to_json`` keeps what the
        store read, for the checklist's own storage."""
        data = self.to_json()
        for key in _CENTIMETRES:
            data[key] = rounded_cm(data[key])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fields:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
