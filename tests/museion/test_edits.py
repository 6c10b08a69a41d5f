"""What changed in a changed record, field by field (``museion.edits``)."""

from __future__ import annotations

import json

from museion.edits import WIDTH, Edit, payload_edits


def _json(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_the_fields_whose_values_differ_with_both_values() -> None:
    before = _json(id="MG-3 ", title="Bol", note="ancien", tags=["a", "b"])
    after = _json(id="MG-3", title="Bol bleu", tags=["a", "c"], date="1890")
    assert payload_edits("application/json", before, after) == [
        Edit("date", "", "1890"),
        Edit("id", "MG-3␣", "MG-3"),  # a trailing space, shown, is what the export changed
        Edit("note", "ancien", ""),
        Edit("tags", "a | b", "a | c"),
        Edit("title", "Bol", "Bol bleu"),
    ]
    assert payload_edits("application/json", after, after) == []


def test_xml_fields_by_element_path_and_long_values_shortened() -> None:
    before = b"<lido><title>Primavera</title><note>x</note></lido>"
    after = ("<lido><title>Primavera</title><note>" + "y" * 200 + "</note></lido>").encode()
    [edit] = payload_edits("application/xml", before, after)
    assert edit.field == "lido/note"
    assert (edit.before, len(edit.after), edit.after[-1]) == ("x", WIDTH, "…")


def test_an_xml_attribute_is_a_field_too() -> None:
    """A LIDO record whose title's language changed was listed as changed with no field, and
    the report said it was the same in the export."""
    ns = 'xmlns:lido="http://www.lido-schema.org"'
    title = '<lido:appellationValue xml:lang="de">Primavera</lido:appellationValue>'
    before = f"<lido:lido {ns}>{title}</lido:lido>"
    after = before.replace('"de"', '"it"')
    assert payload_edits("application/xml", before.encode(), after.encode()) == [
        Edit("lido/appellationValue/@lang", "de", "it")
    ]


def test_an_unreadable_payload_gives_its_fields_as_empty() -> None:
    assert payload_edits("application/json", b"{", _json(title="T")) == [Edit("title", "", "T")]
