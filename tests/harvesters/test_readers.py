"""Splitting files into records: every shape of JSON and CSV, and every kind of broken input."""

from __future__ import annotations

import codecs
import io
import json
import types
from functools import partial
from pathlib import Path

import pytest

from harvesters.csvrows import read_csv
from harvesters.jsonscan import seek_array
from harvesters.readers import Parsed, Unreadable, read_json
from harvesters.xmlcut import UnbalancedError, cut_all, cut_elements


def stream(data: bytes) -> io.BufferedReader:
    return io.BufferedReader(io.BytesIO(data))


def values(items: list[Parsed | Unreadable]) -> list[object]:
    return [i.value if isinstance(i, Parsed) else i.reason for i in items]


def test_a_single_object_keeps_its_exact_bytes() -> None:
    raw = b'{ "id": 1,\n  "title": "Caf\xc3\xa9" }\n'
    [item] = list(read_json(stream(raw)))
    assert isinstance(item, Parsed)
    assert item.value == {"id": 1, "title": "Café"}
    assert item.raw == raw


def test_an_array_is_streamed_item_by_item() -> None:
    items = list(read_json(stream(b'[{"id": 1}, {"id": 2.5}, {"id": 3}]')))
    assert values(items) == [{"id": 1}, {"id": 2.5}, {"id": 3}]
    assert [i.position for i in items] == ["item 1", "item 2", "item 3"]


def test_json_lines_and_concatenated_objects() -> None:
    data = b'{"id": 1}\n\n{"id": 2}\n'
    assert values(list(read_json(stream(data), lines=True))) == [{"id": 1}, {"id": 2}]
    assert values(list(read_json(stream(data)))) == [{"id": 1}, {"id": 2}]


def test_a_bad_line_is_unreadable_and_the_rest_goes_on() -> None:
    items = list(read_json(stream(b'{"id": 1}\n{"id": \n{"id": 3}\n'), lines=True))
    assert isinstance(items[1], Unreadable)
    assert "not valid JSON" in items[1].reason
    assert items[1].position == "line 2"
    assert values(items)[::2] == [{"id": 1}, {"id": 3}]


def test_a_broken_array_says_where_it_broke() -> None:
    items = list(read_json(stream(b'[{"id": 1}, {"id": 2}, {"id": ')))
    assert values(items)[:2] == [{"id": 1}, {"id": 2}]
    assert isinstance(items[2], Unreadable)
    assert "breaks after item 2" in items[2].reason


def test_not_json_at_all() -> None:
    [item] = list(read_json(stream(b"<html>oops</html>")))
    assert isinstance(item, Unreadable)
    assert "not JSON" in item.reason


def test_invalid_utf8_in_json_is_unreadable() -> None:
    [item] = list(read_json(stream(b'{"title": "Caf\xe9"}')))
    assert isinstance(item, Unreadable)
    assert "0xE9" in item.reason


def test_declared_encoding_for_json() -> None:
    [item] = list(read_json(stream('{"title": "Café"}'.encode("latin-1")), encoding="latin-1"))
    assert isinstance(item, Parsed)
    assert item.value == {"title": "Café"}


def test_csv_with_bom_semicolons_and_quoted_newlines() -> None:
    data = '\ufeffid;title;note\n1;"Vue; de Bakou";"two\nlines"\n2;Tapis;\n'.encode()
    items = list(read_csv(stream(data)))
    assert values(items) == [
        {"id": "1", "title": "Vue; de Bakou", "note": "two\nlines"},
        {"id": "2", "title": "Tapis", "note": ""},
    ]
    assert isinstance(items[0], Parsed)
    assert json.loads(items[0].raw) == items[0].value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_csv_header_below_a_title_is_found_by_header_row(encoding: str) -> None:
    """``header_row`` was read for spreadsheets only: a CSV export with a title line above
    its header had every row rejected ("the row has 4 fields but the header has 1")."""
    text = (
        "sep=;\nInventaire du musée de Chéki;;\n\nid;titre;date\nA1;Vue de Bakou;1890\n"
        'A2;"Tapis;\nfin";1900\nA3;Kilim;x;y\n'
    )
    items = list(read_csv(stream(text.encode(encoding)), encoding=encoding, header_row=3))
    assert values(items[:2]) == [
        {"id": "A1", "titre": "Vue de Bakou", "date": "1890"},
        {"id": "A2", "titre": "Tapis;\nfin", "date": "1900"},
    ]
    # the line a row starts on in the file, and its row as a spreadsheet shows it (the sep=
    # line is no row, and the second record's cell holds a line break)
    assert [item.position for item in items] == [
        "line 5, row 4",
        "line 6, row 5",
        "line 8, row 6",
    ]
    assert isinstance(items[2], Unreadable)
    assert items[2].reason == "the row has 4 fields but the header has 3"
    assert items[2].cells == {"id": "A3", "titre": "Kilim", "date": "x"}
    [past_end] = read_csv(stream(b"Title\nid,title\n"), header_row=3)  # no header
    assert isinstance(past_end, Unreadable)
    assert past_end.reason.startswith("it has 2 row(s), fewer than header_row (3)")


def test_an_unreadable_row_names_its_record_by_its_decoded_cells_only() -> None:
    """The cells that may name an unreadable row's record leave out those whose bytes the
    encoding could not decode: such an id is no id the source holds."""
    data = b"id,title\nA\xe91,Vase\nA2,Caf\xe9\n"
    first, second = list(read_csv(stream(data)))
    assert isinstance(first, Unreadable)
    assert first.cells == {"title": "Vase"}
    assert isinstance(second, Unreadable)
    assert second.cells == {"id": "A2"}


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"])
def test_csv_lines_may_end_in_a_lone_carriage_return(end: str) -> None:
    """Excel for Mac still offers "CSV (Macintosh)", whose lines end in a lone \\r: read like
    any other (the whole file was one unreadable header before), quoted breaks kept."""
    rows = ["id,title,note", '1,Vue de Bakou,"two\rlines"', "2,Tapis,", "3,Kilim,x"]
    data = (end.join(rows) + end).encode()
    assert values(list(read_csv(stream(data)))) == [
        {"id": "1", "title": "Vue de Bakou", "note": "two\rlines"},
        {"id": "2", "title": "Tapis", "note": ""},
        {"id": "3", "title": "Kilim", "note": "x"},
    ]
    # A file longer than the first read (64 KB), so its lines come from both sources.
    many = (end.join(rows[:1] + [f"{n},Object {n}," for n in range(5000)]) + end).encode()
    assert len(many) > 65536
    assert len(list(read_csv(stream(many)))) == 5000


def test_excel_s_sep_line_names_the_delimiter_and_is_no_header() -> None:
    """``sep=;`` on the first line (Excel writes and reads it) was taken for the header, and
    every row became one field named "sep="; lines keep the numbers the file gives them."""
    data = b"sep=;\r\nid;title\r\n1;Vue, de Bakou\r\n2;Tapis;x\r\n"
    items = list(read_csv(stream(data)))
    assert values(items) == [
        {"id": "1", "title": "Vue, de Bakou"},
        "the row has 3 fields but the header has 2",
    ]
    # and rows the numbers a spreadsheet gives them, where Excel hides the sep= line
    assert [i.position for i in items] == ["line 3, row 2", "line 4, row 3"]
    repeated = list(read_csv(stream(b"sep=,\nid,id\n1,2\n")))
    assert [(i.position, values(repeated)) for i in repeated] == [
        ("line 2", ["the header row repeats column(s) id"])
    ]


SEP_LINE_ONLY = (
    "the file holds Excel's 'sep=;' line and nothing under it: no header row and no record; an "
    "export that found nothing does not withdraw the records the file held (to withdraw them, "
    "remove the file)"
)
HEADER_ONLY = (
    "the file has its header row but no row under it: an export that found nothing does not "
    "withdraw the records the file held (to withdraw them, remove the file)"
)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"sep=;\n", SEP_LINE_ONLY),
        (b"sep=;", SEP_LINE_ONLY),
        (b"sep=;\r\n\r\n\r\n", SEP_LINE_ONLY),
        (b"sep=;\n;;\n;;\n", SEP_LINE_ONLY),
        (b"sep=;\nid;title\n", HEADER_ONLY),
        (b"sep=;\r\nid;title\r\n;\r\n", HEADER_ONLY),
    ],
    ids=["sep", "sep-no-end", "sep-blank-lines", "sep-empty-rows", "sep-header", "header-empty"],
)
def test_a_file_of_excel_s_sep_line_alone_says_it_has_no_header(data: bytes, said: str) -> None:
    """A file of Excel's ``sep=;`` line alone was said to have "its header row but no row
    under it": the ``sep=`` line is no header, and the partner looked for one that is not
    there. Each case now says what the file holds; neither withdraws anything."""
    [item] = list(read_csv(stream(data), rows_required=True))
    assert isinstance(item, Unreadable)
    assert (item.reason, item.whole) == (said, True)
    assert list(read_csv(stream(data))) == []  # a draft reads no row either, and says so itself


def test_tsv_and_explicit_delimiter() -> None:
    data = b"id\ttitle\n1\tA, B\n"
    assert values(list(read_csv(stream(data), delimiter="\t"))) == [{"id": "1", "title": "A, B"}]


def test_an_undecodable_byte_rejects_its_row_only() -> None:
    data = b"id,title\n1,Caf\xe9\n2,Tea\n"
    items = list(read_csv(stream(data)))
    assert isinstance(items[0], Unreadable)
    assert "undecodable byte 0xE9 in column 'title'" in items[0].reason
    assert "encoding" in items[0].reason
    assert items[0].position == "line 2"
    assert values(items)[1] == {"id": "2", "title": "Tea"}


def test_the_right_encoding_reads_the_same_row() -> None:
    items = list(read_csv(stream(b"id,title\n1,Caf\xe9\n"), encoding="cp1252"))
    assert values(items) == [{"id": "1", "title": "Café"}]


ROWS = [{"id": "1", "title": "Vue de Bakı"}, {"id": "2", "title": "مصباح"}]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_export_is_read_by_its_byte_order_mark_or_its_declared_encoding(
    codec: str,
) -> None:
    """Excel's "Unicode Text" export is UTF-16 with a byte-order mark and tabs: read as such
    unless another encoding is declared (a mark is only written by "utf-16" itself)."""
    text = "id\ttitle\n1\tVue de Bakı\n2\tمصباح\n"
    declared = "utf-8" if codec == "utf-16" else codec
    assert values(list(read_csv(stream(text.encode(codec)), encoding=declared))) == ROWS
    lines = "\n".join(json.dumps(row, ensure_ascii=False) for row in ROWS)
    read = read_json(stream(lines.encode(codec)), encoding=declared, lines=True)
    assert values(list(read)) == ROWS
    array = json.dumps(ROWS, ensure_ascii=False).encode(codec)
    assert values(list(read_json(stream(array), encoding=declared))) == ROWS


def test_a_utf32_byte_order_mark_is_not_taken_for_utf16() -> None:
    """UTF-32's little-endian mark starts with UTF-16's: the rows came out full of NULs."""
    data = "id,title\n1,Vase\n".encode("utf-32")
    [item] = list(read_csv(stream(data)))
    assert isinstance(item, Unreadable)  # not UTF-8, and not misread as UTF-16
    assert values(list(read_csv(stream(data), encoding="utf-32"))) == [{"id": "1", "title": "Vase"}]


def test_a_utf16_file_cut_off_keeps_the_records_before_the_cut() -> None:
    """The decode error of the last bytes was raised for the whole read: 100 rows, 0 kept."""
    rows = "".join(f"{i},Vase {i}\n" for i in range(100))
    csv_data = ("id,title\n" + rows).encode("utf-16") + b"\n"
    items = list(read_csv(stream(csv_data)))
    assert [i.value["id"] for i in items if isinstance(i, Parsed)] == [str(i) for i in range(100)]
    assert isinstance(items[-1], Unreadable)
    assert "truncated data" in items[-1].reason
    lines = "".join(json.dumps({"id": i}) + "\n" for i in range(100)).encode("utf-16") + b"\n"
    items = list(read_json(stream(lines), lines=True))
    assert len([i for i in items if isinstance(i, Parsed)]) == 100
    assert isinstance(items[-1], Unreadable)


@pytest.mark.parametrize(
    "data",
    [
        b"id,title\n1,Vase\n",  # UTF-8 declared as UTF-16: no byte-order mark
        "id,title\n1,Vase\n".encode("utf-16")[:-1],  # cut off in the middle of a character
    ],
)
def test_a_file_the_decoder_stops_on_is_one_unreadable_record(data: bytes) -> None:
    """A UTF-16 decoder cannot carry a bad byte through (as surrogateescape does for UTF-8):
    the rest of the file is one record with its reason, never a traceback."""
    for items in (
        list(read_csv(stream(data), encoding="utf-16")),
        list(read_json(stream(data), encoding="utf-16", lines=True)),
    ):
        assert isinstance(items[-1], Unreadable)
        assert "cannot be decoded as utf-16" in items[-1].reason
        assert "set `encoding`" in items[-1].reason


def test_a_row_with_too_many_fields() -> None:
    items = list(read_csv(stream(b"id,title\n1,a,b\n")))
    assert isinstance(items[0], Unreadable)
    assert "3 fields" in items[0].reason


def test_a_csv_cell_under_a_column_without_a_header_is_not_dropped() -> None:
    """A French Excel export of a sheet whose "Dimensions" header was merged over two columns
    writes the second header cell empty: the values under it ("Diam. 8 cm") were dropped from
    the record without a word, while a sheet's row says "cells in column(s) … have no header"
    (as the README says of both). The CSV row now says it too, under the id its cells give;
    an empty or blank cell there is no value, and the row is read."""
    data = (
        "N° inventaire;Titre;Dimensions;;Date\n"
        "A1;Vase;H. 12 cm;Diam. 8 cm;1890\n"
        "A2;Bol;H. 5 cm; ;1900\n"
    )
    items = list(read_csv(stream(data.encode("utf-8"))))
    assert isinstance(items[0], Unreadable)
    assert items[0].reason == "cells in column(s) D have no header"
    assert items[0].cells == {
        "N° inventaire": "A1",
        "Titre": "Vase",
        "Dimensions": "H. 12 cm",
        "Date": "1890",
    }
    assert values(items[1:]) == [
        {"N° inventaire": "A2", "Titre": "Bol", "Dimensions": "H. 5 cm", "Date": "1900"}
    ]


@pytest.mark.parametrize("line", ["Inventaire au 01/12/2026;;;", "Inventaire au 01/12/2026"])
def test_a_title_read_as_the_header_is_said_once_with_the_setting_that_mends_it(line: str) -> None:
    """A partner who leaves ``header_row`` at 1 over an export with a title line above the
    header saw every row quarantined, for want of an id or for "cells in column(s) B, C, D
    have no header", and no word of ``header_row``. The file is now one unreadable record
    saying so (nothing is withdrawn on its account); the right ``header_row`` reads it."""
    data = f"{line}\nN° inventaire;Titre;Date;Dimensions\nA1;Vase;1890;H. 12 cm\n".encode()
    items = list(read_csv(stream(data), delimiter=";"))
    assert len(items) == 1
    assert isinstance(items[0], Unreadable)
    assert items[0].whole
    assert items[0].reason == (
        "the header row names only column A ('Inventaire au 01/12/2026') while the rows below "
        "fill 4 columns: if it is a title, set `header_row` to the row that names the columns "
        "(`museion mapping draft` finds it)"
    )
    assert values(list(read_csv(stream(data), delimiter=";", header_row=2))) == [
        {"N° inventaire": "A1", "Titre": "Vase", "Date": "1890", "Dimensions": "H. 12 cm"}
    ]


def test_a_one_column_csv_is_no_title() -> None:
    assert values(list(read_csv(stream(b"id\nA1\nA2\n")))) == [{"id": "A1"}, {"id": "A2"}]


def test_a_repeated_header_column() -> None:
    items = list(read_csv(stream(b"id,title,title\n1,a,b\n")))
    assert isinstance(items[0], Unreadable)
    assert "repeats column(s) title" in items[0].reason


@pytest.mark.parametrize("data", [b"", b"   \n", b"id,title\n"])
def test_empty_files_have_no_records(data: bytes) -> None:
    assert list(read_csv(stream(data))) == []


def test_a_consumer_may_stop_reading_early(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("id,title\n1,a\n2,b\n3,c\n")
    with path.open("rb") as handle:
        rows = read_csv(handle)
        next(rows)
    assert isinstance(rows, types.GeneratorType)
    rows.close()  # the file was closed first: stopping must not raise


def test_array_items_keep_their_bytes_across_any_read_size() -> None:
    from harvesters.jsonscan import split_array

    data = (
        b'\xef\xbb\xbf [ {"a": "x,]}\\"[{", "b": [1, {"c": "\\\\"}]} ,\n 2.5, "s\\"]", null,'
        b' {"deep": [[[]]]} ]  \n'
    )
    expected = [b'{"a": "x,]}\\"[{", "b": [1, {"c": "\\\\"}]}', b"2.5", b'"s\\"]"', b"null"]
    expected.append(b'{"deep": [[[]]]}')
    for size in (1, 2, 3, 7, 64):
        view = io.BytesIO(data)

        def read(_: int, view: io.BytesIO = view, size: int = size) -> bytes:
            return view.read(size)

        pieces = list(split_array(read, max_record_bytes=99, max_depth=4))
        assert [p.raw for p in pieces] == expected, size
        assert all(p.fault is None for p in pieces)
    view = io.BytesIO(data)
    pieces = list(split_array(view.read, max_record_bytes=99, max_depth=3))
    assert "max_depth (3)" in str(pieces[-1].fault)


def test_integers_of_any_size_are_kept_exactly() -> None:
    items = list(read_json(stream(b'[{"n": 12345678901234567890}, {"n": -' + b"9" * 5000 + b"}]")))
    assert values(items) == [{"n": 12345678901234567890}, {"n": "-" + "9" * 5000}]


def test_an_item_that_is_not_json_costs_only_itself() -> None:
    items = list(read_json(stream(b'[{"id": 1}, {"id": nope}, {"id": 3}]')))
    assert values(items)[::2] == [{"id": 1}, {"id": 3}]
    assert isinstance(items[1], Unreadable)
    assert "not valid JSON" in items[1].reason


def test_an_array_in_another_encoding() -> None:
    data = '[{"title": "Café"}, {"title": "Straße"}]'.encode("utf-16")
    items = list(read_json(stream(data), encoding="utf-16"))
    assert values(items) == [{"title": "Café"}, {"title": "Straße"}]


def test_one_object_over_the_bound_is_one_unreadable_record() -> None:
    data = b'{\n  "id": 1,\n  "title": "' + b"x" * 5000 + b'"\n}\n'
    [item] = list(read_json(stream(data), max_record_bytes=1024))
    assert isinstance(item, Unreadable)
    assert "more than max_record_bytes (1024)" in item.reason
    lines = b'{"id": 1}\n{"id": 2, "t": "' + b"x" * 5000 + b'"}\n{"id": 3}\n'
    items = list(read_json(stream(lines), max_record_bytes=1024))
    assert values(items)[::2] == [{"id": 1}, {"id": 3}]
    assert [i.position for i in items] == ["line 1", "line 2", "line 3"]


def test_a_csv_row_over_the_bound_is_skipped_unbuilt() -> None:
    data = b'id,title\n1,a\n2,"' + b"x\n" * 3000 + b'"\n3,c\n'
    items = list(read_csv(stream(data), max_record_bytes=1024))
    assert values(items)[0] == {"id": "1", "title": "a"}
    assert isinstance(items[1], Unreadable)
    assert "more than max_record_bytes (1024)" in items[1].reason
    assert len(items[1].raw) <= 64 * 1024


def test_a_lone_surrogate_escape_is_unreadable() -> None:
    items = list(read_json(stream(b'[{"t": "x\\ud800"}, {"t": "\\ud83d\\ude00"}]')))
    assert isinstance(items[0], Unreadable)
    assert "lone surrogate" in items[0].reason
    assert values(items)[1] == {"t": "\N{GRINNING FACE}"}


def test_a_lone_surrogate_in_utf8_form_is_unreadable() -> None:
    """The same half of a pair written out as UTF-8 would write it (bytes ED A0 80), which
    ``json.loads`` of bytes decodes as it is: unreadable with its reason, like the escape."""
    lone = '[{"t": "x\ud800"}, {"t": "ok"}]'.encode("utf-8", "surrogatepass")
    items = list(read_json(stream(lone)))
    assert isinstance(items[0], Unreadable)
    assert "lone surrogate" in items[0].reason
    assert values(items)[1] == {"t": "ok"}


def test_a_pair_in_utf8_form_is_its_character() -> None:
    """CESU-8 (Oracle's "UTF8" character set) writes an emoji as two surrogates, each in
    UTF-8's form; ``json.loads`` of bytes leaves them apart, and the record was refused as
    holding a lone surrogate. The pair is now the character, in values and keys alike."""
    cesu = '{"t": "Vase \ud83c\udffa", "\ud83d\ude00": ["\ud83d\ude00"]}'
    [item] = list(read_json(stream(cesu.encode("utf-8", "surrogatepass"))))
    assert values([item]) == [{"t": "Vase \N{AMPHORA}", "\N{GRINNING FACE}": ["\N{GRINNING FACE}"]}]
    half = '{"t": "\ud83c\udffa \ud83d"}'.encode("utf-8", "surrogatepass")
    [broken] = list(read_json(stream(half)))
    assert isinstance(broken, Unreadable)
    assert "lone surrogate" in broken.reason


@pytest.mark.parametrize("chunk", [1, 2, 7, 65536])
def test_seek_array_finds_the_list_inside_a_document_whatever_comes_before_it(chunk: int) -> None:
    """Strings holding brackets and escaped quotes, nested values, a long value and an
    escaped key come before the list; bytes arrive ``chunk`` at a time."""
    cases = [
        (b'{"total": 5, "data": [1,2]}', ["data"], b"[1,2]}"),
        (b'\xef\xbb\xbf {"data" : [ {"a":"]"} ]}', ["data"], b'[ {"a":"]"} ]}'),
        (b'{"m": {"x": [1, {"y": "}\\"]"}]}, "r": {"n": 3, "d": [{}]}}', ["r", "d"], b"[{}]}}"),
        (b'{"d\\u0061ta": [1]}', ["data"], b"[1]}"),
        (b'{"a": true, "b": null, "c": -1.5e3, "data": []}', ["data"], b"[]}"),
        (b'{"a": "' + b"x" * 200_000 + b'", "data": [7]}', ["data"], b"[7]}"),
        (b'{"a": "x\\\\", "data": [9]}', ["data"], b"[9]}"),
        (b'{"data": 5}', ["data"], None),
        (b'{"other": [1]}', ["data"], None),
        (b"[1,2]", ["data"], None),
        (b'{"a": "unterminated', ["data"], None),
        (b"", ["data"], None),
    ]
    for data, path, expected in cases:
        source = io.BytesIO(data)
        rest = seek_array(partial(_read_at_most, source, chunk), path)
        assert (None if rest is None else rest + source.read()) == expected, data[:40]


def _read_at_most(source: io.BytesIO, chunk: int, _: int) -> bytes:
    return source.read(chunk)


def test_a_file_that_wraps_its_records_is_read_at_items() -> None:
    """An API's answer saved as a file: the list under ``items`` is streamed as an array is,
    a broken item costing itself, and what follows the list is not read."""
    wrapped = b'{"total": 3, "data": [{"id": 1}, {"id": 2,}, {"id": 3}], "next": null}'
    items = list(read_json(stream(wrapped), items=["data"]))
    assert [i.position for i in items] == ["item 1", "item 2", "item 3"]
    assert values(items)[0] == {"id": 1}
    assert isinstance(items[1], Unreadable)
    assert values(items)[2] == {"id": 3}
    nested = '{"response": {"docs": [{"t": "Tasse à café"}]}}'.encode("cp1252")
    read = read_json(stream(nested), items=["response", "docs"], encoding="cp1252")
    assert values(list(read)) == [{"t": "Tasse à café"}]
    utf16 = '{"data": [{"t": "إبريق"}]}'.encode("utf-16")
    assert values(list(read_json(stream(utf16), items=["data"]))) == [{"t": "إبريق"}]
    [missing] = list(read_json(stream(wrapped), items=["records"]))
    assert isinstance(missing, Unreadable)
    assert missing.reason == "the file holds no list of records at `records` (items)"


SPANS = b"""<list>
  <r a="x > y">one<!-- </r> --><r>nested</r></r>
  <![CDATA[ <r> ]]><?pi <r> ?><r/>
  <oai:r>other name</oai:r><r
     b='2'>two &broken</r >
</list>"""


def spans(data: bytes, qname: bytes) -> list[tuple[int, int]] | None:
    cuts = cut_all(data, qname)
    return None if cuts is None else [(c.start, c.start + len(c.data)) for c in cuts]


def test_cut_all_finds_each_outermost_element_without_parsing() -> None:
    """What the OAI-PMH salvage cuts a broken page with: markup that only looks like the tag
    (comments, CDATA, processing instructions, other prefixes, ``>`` in an attribute) is
    skipped, a nested element of the same name is its parent's, and a fault inside an element
    (``&broken``) does not matter."""
    found = spans(SPANS, b"r")
    assert found is not None
    assert [SPANS[start:end] for start, end in found] == [
        b'<r a="x > y">one<!-- </r> --><r>nested</r></r>',
        b"<r/>",
        b"<r\n     b='2'>two &broken</r >",
    ]
    assert spans(SPANS, b"oai:r") == [(SPANS.index(b"<oai:r>"), SPANS.index(b"<r\n"))]


@pytest.mark.parametrize(
    "data",
    [
        b"<list><r><r></r></list>",
        b"<list></r><r></r></list>",
        b"<list><r>cut",
        b"<list><r></r><!-- never closed <r></r></list>",  # it would hide every record after it
    ],
)
def test_cut_all_is_none_when_tags_do_not_balance(data: bytes) -> None:
    assert cut_all(data, b"r") is None


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_cut_elements_reads_in_chunks_and_knows_where_each_element_starts(size: int) -> None:
    """Chunks end anywhere (inside a comment, a tag, an attribute value, a name): each element
    is still cut whole, with its line and column as a parser counts them."""
    data = io.BytesIO(SPANS)
    cuts = list(cut_elements(lambda _: data.read(size), b"r"))
    assert [(c.start, c.start + len(c.data)) for c in cuts] == spans(SPANS, b"r")
    for cut in cuts:
        assert SPANS[cut.start : cut.start + len(cut.data)] == cut.data
        line = SPANS.count(b"\n", 0, cut.start) + 1
        assert (cut.line, cut.column) == (line, cut.start - SPANS.rfind(b"\n", 0, cut.start))


def test_a_column_counts_characters_as_the_parser_does() -> None:
    [cut] = cut_all("<l>\n  é€ <r/></l>".encode(), b"r") or []
    assert (cut.line, cut.column) == (2, 6)


def test_an_element_past_the_size_bound_is_not_held_to_its_end() -> None:
    """An end tag a fault hid would make the rest of a large file one element: past the bound
    the cut stops instead of holding it all."""
    data = io.BytesIO(b"<l><r>" + b"x" * 5000 + b"</r></l>")
    with pytest.raises(UnbalancedError):
        list(cut_elements(lambda _: data.read(512), b"r", max_bytes=1000))


def test_numbers_json_cannot_say_are_kept_as_written() -> None:
    """Python's reader takes NaN and Infinity (not JSON) and makes 1e999999 infinite: titles
    read "nan" and "inf", and a date text "-inf". They are kept as the partner wrote them."""
    from harvesters.jsonload import load_json

    value = load_json(b'{"title": NaN, "date": -Infinity, "n": 1e999999, "w": 2.5, "i": 7}')
    assert value == {"title": "NaN", "date": "-Infinity", "n": "1e999999", "w": 2.5, "i": 7}


def test_rows_after_an_unreadable_row_keep_their_numbers() -> None:
    """A row over max_record_bytes was not counted as a row: the rows after it were placed
    one row too high ("line 3, row 2")."""
    data = b"id,t\nA-1," + b"x" * 200 + b"\nA-2,y\nA-3,z\n"
    items = list(read_csv(stream(data), max_record_bytes=100))
    assert [type(i).__name__ for i in items] == ["Unreadable", "Parsed", "Parsed"]
    assert [i.position for i in items] == ["line 2", "line 3", "line 4"]


def test_a_long_cell_in_the_first_rows_does_not_cost_the_delimiter() -> None:
    """The delimiter is guessed from the first lines, cut at 8 KB: a line cut short has fewer
    delimiters than the others, and one cell of 200,000 characters in the second row made the
    sniffer give up; the file was read with commas, and each row after was rejected as having
    no identifier. Only the long row is refused now."""
    data = ("id;title;date\n1;" + "x" * 200_000 + ";1900\n2;Tapis;1801\n3;Vue;1930\n").encode()
    items = list(read_csv(stream(data)))
    assert values(items)[1:] == [
        {"id": "2", "title": "Tapis", "date": "1801"},
        {"id": "3", "title": "Vue", "date": "1930"},
    ]
    assert isinstance(items[0], Unreadable)
    assert "longer than" in items[0].reason


def test_a_title_line_above_an_excel_export_does_not_cost_the_delimiter() -> None:
    """Excel writes a title row with as many semicolons as its own cells, one fewer here than
    the rows; the sniffer gave up (it wants nine lines in ten alike) and the file was read with
    commas: the title line became one column, the draft took it for the identifier, and the
    harvest said the rows "fill 4 columns" (the commas in a remark). The title is still the
    header here, so the harvest says so, naming the columns the rows really fill."""
    text = (
        "Musée de Sainte-Odile — Inventaire;;;\r\n"
        "N° inventaire;Titre;Remarques;;\r\n"
        "1890.1.1;Vue du port;Cadre doré, éclat au coin, fente;;\r\n"
        "1890.1.2;Portrait;;;\r\n"
        "1901.4.7;Bouquet;Taches, humidité;;\r\n"
    )
    rows = list(read_csv(stream(text.encode("cp1252")), encoding="cp1252", header_row=2))
    assert values(rows)[0] == {
        "N° inventaire": "1890.1.1",
        "Titre": "Vue du port",
        "Remarques": "Cadre doré, éclat au coin, fente",
    }
    whole = list(read_csv(stream(text.encode("cp1252")), encoding="cp1252"))
    assert len(whole) == 1
    assert isinstance(whole[0], Unreadable)
    assert "names only column A ('Musée de Sainte-Odile — Inventaire')" in whole[0].reason
    assert "fill 3 columns" in whole[0].reason


def test_a_quote_never_closed_does_not_swallow_the_rows_after_it_silently() -> None:
    """csv.reader ends a quoted cell left open at the end of the file: the rows after the
    quote became the text of one cell (a title "unterminated; ... 7;after"), and were lost
    without a word. The row is refused, marked whole (which records the file holds is not
    known, so none counts as gone); a cell over several lines that is closed is read."""
    data = b'id;title;date\n1;"two\nlines";1900\n2;"never closed;1801\n3;after;1930\n4;end;1\n'
    items = list(read_csv(stream(data)))
    assert values(items)[0] == {"id": "1", "title": "two\nlines", "date": "1900"}
    assert len(items) == 2
    refused = items[1]
    assert isinstance(refused, Unreadable)
    assert refused.whole
    assert "a quote opened in the row of line 4 is never closed: its 3 lines" in refused.reason
    # a stray quote in a row of one line is csv's text, as before
    stray = list(read_csv(stream(b'id;title\n1;5" tall\n2;x\n')))
    assert values(stray) == [{"id": "1", "title": '5" tall'}, {"id": "2", "title": "x"}]


def test_a_byte_order_mark_names_the_encoding_whatever_the_source_declares() -> None:
    """The draft told a partner whose Excel wrote "?" for Azerbaijani letters to save its file
    again as "CSV UTF-8"; its source still said ``encoding = "cp1252"``, and every "é" was read
    as "Ã©" (every row refused for want of its "N° inventaire", or, under a header without an
    accent, published garbled without a word). The mark wins, for CSV and JSON alike; UTF-16's
    too."""
    text = "N° inventaire;Titre\r\n1890.1.1;Marsel limanının görünüşü\r\n"
    expected = [{"N° inventaire": "1890.1.1", "Titre": "Marsel limanının görünüşü"}]
    utf8 = codecs.BOM_UTF8 + text.encode("utf-8")
    assert values(list(read_csv(stream(utf8), encoding="cp1252"))) == expected
    utf16 = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert values(list(read_csv(stream(utf16), encoding="cp1252"))) == expected
    record = codecs.BOM_UTF8 + '{"id": "A1", "titre": "Léa"}'.encode()
    assert values(list(read_json(stream(record), encoding="cp1252"))) == [
        {"id": "A1", "titre": "Léa"}
    ]
    # without a mark, the declared encoding reads the file as before
    legacy = "id;titre\r\nA1;Léa\r\n".encode("cp1252")
    assert values(list(read_csv(stream(legacy), encoding="cp1252"))) == [
        {"id": "A1", "titre": "Léa"}
    ]


def test_a_page_marks_the_objects_that_give_a_key_twice() -> None:
    """``load_page`` keeps a page whose records give a key twice with different values, and
    ``duplicate_key_reason`` names the record holding one, also in a page written in CESU-8
    (whose surrogate pairs are joined after reading) and only then; the same value twice is
    harmless."""
    from harvesters.jsonload import duplicate_key_reason, load_page

    page = (
        b'{"data": [{"id": 1, "t": "a", "t": "b"}, {"id": 2, "t": "x", "t": "x"},'
        b' {"id": 3, "m": {"k": "y", "k": "z"}}]}'
    )
    value, marked = load_page(page)
    assert marked
    first, second, third = value["data"]
    assert first["t"] == "b"
    assert duplicate_key_reason(first) is not None
    assert "'t'" in (duplicate_key_reason(first) or "")
    assert duplicate_key_reason(second) is None
    assert "'k'" in (duplicate_key_reason(third) or "")
    cesu = b"\xed\xa0\xbc\xed\xbf\xba"  # U+1F3FA as CESU-8 writes it: two surrogates
    value, marked = load_page(b'{"data": [{"id": 4, "' + cesu + b'": 1, "' + cesu + b'": 2}]}')
    assert marked
    [fourth] = value["data"]
    assert "\U0001f3fa" in (duplicate_key_reason(fourth) or "")
    assert load_page(b'{"data": [{"id": 5, "t": "x", "t": "x"}]}')[1] is False
