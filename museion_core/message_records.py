"""Museion's messages about a partner's files and records: the first half of the catalogue.

The English templates for what reading a file, taking a record and mapping it can meet
(quarantine reasons and warnings), with the registry ``MESSAGES`` that every message of the
catalogue joins. They are tables, apart from the machinery that recognises a text again
(``museion_core.messages``, which re-exports every message here as ``messages.NAME``); what a
harvest or a run says is in ``message_runs``. Import ``museion_core.messages``, not this module.
"""

from __future__ import annotations

from .message_template import Message

MESSAGES: list[Message] = []


def _message(template: str, *, terms: tuple[str, ...] = ()) -> Message:
    message = Message(template, frozenset(terms))
    MESSAGES.append(message)
    return message


# -- reading a partner's files -------------------------------------------------------------

FILE_UNREADABLE = _message("cannot read the file: {detail}")
FILE_EMPTY = _message("the file is empty: it holds no record, not even an empty list")
FILE_HEADER_ONLY = _message(
    "the file has its header row but no row under it: an export that found nothing does not "
    "withdraw the records the file held (to withdraw them, remove the file)"
)
FILE_SEP_LINE_ONLY = _message(
    "the file holds Excel's {line!r} line and nothing under it: no header row and no record; an "
    "export that found nothing does not withdraw the records the file held (to withdraw them, "
    "remove the file)"
)
FILE_HEADER_ONLY_UPLOADED = _message(
    "the file has its header row but no row under it: an export that found nothing withdraws "
    "no record (each upload stands for all your records: to withdraw some, upload your other "
    "files without this one; to withdraw every record, ask the network's coordinator, since "
    "an upload with no record withdraws nothing)"
)
"""``FILE_HEADER_ONLY`` for a file a partner uploaded, who cannot remove a file: an upload
replaces the source's records, so a record is withdrawn by leaving it out of the next one."""
FILE_SEP_LINE_ONLY_UPLOADED = _message(
    "the file holds Excel's {line!r} line and nothing under it: no header row and no record; an "
    "export that found nothing withdraws no record (each upload stands for all your records: to "
    "withdraw some, upload your other files without this one; to withdraw every record, ask the "
    "network's coordinator, since an upload with no record withdraws nothing)"
)
FILE_NOT_A_TABLE = _message(
    "the file is a {kind:s} file, not a table of records (a document or a photo sent in its "
    "place?): send the inventory itself, as your spreadsheet or collection system exports it "
    "(.csv, .xlsx, .ods)"
)
"""A PDF, a photo or an RTF named ``.csv`` or ``.xlsx``: read as text its header was "bytes the
encoding cannot decode", read as a workbook calamine's English "Cannot detect file format"."""
NOT_JSON_START = _message("not JSON: the file starts with {head!r}")
RECORD_TOO_LARGE = _message(
    "the record is {size:d} bytes or more, more than max_record_bytes ({limit:d}); it was not read"
)
RDF_TOO_DEEP = _message("the JSON-LD nests more than {limit:d} levels deep; it was not read")
RECORD_TOO_DEEP = _message(
    "the record nests more than max_depth ({limit:d}) levels deep; it was not read"
)
REST_UNDECODABLE = _message(
    "the rest of the file cannot be decoded as {encoding:s} ({detail}); set `encoding` to the "
    "file's real encoding"
)
UNDECODABLE_BYTE = _message(
    "undecodable byte {byte:s} at offset {offset:d} (expected {encoding:s}): {detail}"
)
JSON_INVALID_AT = _message("not valid JSON: {detail} (line {line:d}, column {column:d})")
JSON_INVALID = _message("not valid JSON: {detail}")
JSON_ARRAY_BREAKS = _message(
    "the JSON array breaks after item {number:d}: {detail}; the rest of the file was not read"
)
EXPECTED_JSON_OBJECT = _message("expected a JSON object, found {found}")
CSV_HEADER_UNREADABLE = _message("the header row cannot be read: {detail}")
CSV_HEADER_UNDECODABLE = _message(
    "the header row has undecodable bytes (the source declares encoding {encoding:s}); set "
    "`encoding` for this source to the file's real encoding"
)
CSV_HEADER_UNDECODABLE_UPLOADED = _message(
    "the file is not in UTF-8: its header row has bytes UTF-8 cannot read (Excel's plain "
    '"CSV" writes the computer\'s own encoding); no record of it was read. Save it again as '
    '"CSV UTF-8" (Excel: File, Save As, "CSV UTF-8 (Comma delimited)"; LibreOffice: '
    'character set "Unicode (UTF-8)") and send it again'
)
"""``CSV_HEADER_UNDECODABLE`` for a file a partner uploaded to a source that reads UTF-8: the
partner cannot set the source's ``encoding``, but can save the file again as UTF-8."""
HEADER_REPEATS = _message("the header row repeats column(s) {columns}")
HEADER_IS_A_TITLE = _message(
    "the header row names only column {column:s} ({title!r}) while the rows "
    "below fill {columns:d} columns: if it is a title, set `header_row` to the row that names "
    "the columns (`museion mapping draft` finds it)"
)
HEADER_ROW_PAST_END = _message(
    "it has {rows:d} row(s), fewer than header_row ({header_row:d}): no row names the columns, so "
    "which records it holds is not known; set `header_row` to the row that names them"
)
CSV_ROW_TOO_WIDE = _message("the row has {fields:d} fields but the header has {header:d}")
CSV_ROW_TOO_LARGE = _message(
    "the row is {size:d} characters or more, more than max_record_bytes ({limit:d}); it was not "
    "read"
)
CSV_CELL_TOO_LONG = _message("a cell is longer than {limit:d} characters; the row was not read")
CSV_INVALID = _message("not valid CSV: {detail}")
CSV_QUOTE_UNCLOSED = _message(
    "a quote opened in the row of line {line:d} is never closed: its {lines:d} lines, to the "
    "end of the file, would be one cell; neither the row nor the rows within it were read"
)
CSV_UNDECODABLE_CELL = _message(
    "undecodable byte {byte:s} in column {column!r} (the source declares encoding {encoding:s}); "
    "set `encoding` for this source to the file's real encoding"
)
CSV_UNDECODABLE_CELL_UPLOADED = _message(
    "undecodable byte {byte:s} in column {column!r}: the file is not in UTF-8 (Excel's plain "
    '"CSV" writes the computer\'s own encoding). Save it again as "CSV UTF-8" (Excel: File, '
    'Save As, "CSV UTF-8 (Comma delimited)"; LibreOffice: character set "Unicode (UTF-8)") '
    "and send it again"
)
"""``CSV_UNDECODABLE_CELL`` for a file a partner uploaded to a source that reads UTF-8."""
SHEET_CELLS_WITHOUT_HEADER = _message("cells in column(s) {columns} have no header")
NOT_A_WORKBOOK = _message("not a spreadsheet this reader knows (xlsx, xls, ods): {detail}")
SHEET_UNREADABLE = _message("cannot read the sheet: {detail}")
LINK_OUTSIDE_FOLDER = _message(
    "the file is a link to a file outside the source's folder; it was not read"
)
SHEET_TOO_LARGE = _message(
    "the sheet {sheet:s} reaches cell {cell:s}: {count:d} cells, more than the {limit:d} "
    "this reader allows; delete what lies beyond the records (an empty-looking cell far "
    "away often holds a space or a format)"
)
WORKBOOK_UNPACKS_TOO_LARGE = _message(
    "its XML parts unpack to more than {limit:d} MB (by its part {part:s}); this reader "
    "holds what they say in memory: save the records alone in a new workbook, or as CSV"
)
PART_UNREADABLE = _message("its part {part:s} cannot be read ({detail})")
PART_RENAMED = _message("its part {part:s} is named {alias:s} by an extra field")
ARCHIVE_UNREADABLE = _message("its archive cannot be read ({detail})")
COMPOUND_UNREADABLE = _message("its compound file cannot be read ({detail})")
ENTRY_NOT_STREAM = _message("its directory entry {entry:s} is not a stream of its tree")
SHEET_PAST_END = _message("its sheet {sheet} begins past the end of the file")
SHEETS_OVERLAP = _message(
    "its sheet {sheet} begins inside another sheet, or is named twice: its records would be "
    "read again and again"
)
BINARY_WORKBOOK = _message(
    "it is an Excel binary workbook (xlsb, its part {part:s}), which this reader does not "
    "read: save it as xlsx"
)
WORKBOOK_TOO_LARGE = _message(
    "the workbook is more than {limit:d} MB; this reader holds it in memory: save the records "
    "alone in a new workbook, or as CSV"
)
NO_SHEET_NUMBER = _message("the workbook has {count:d} sheet(s); there is no sheet {sheet:d}")
NO_SHEET_NAMED = _message("the workbook has no sheet {sheet!r}; its sheets are {sheets}")
JSON_TOO_DEEP = _message("nested too deeply to be read")
JSON_DUPLICATE_KEY = _message(
    "the key {key!r} occurs more than once in one object, with different values: which one "
    "is meant cannot be told"
)
JSON_NO_ITEMS = _message("the file holds no list of records at `{path:s}` (items)")
JSON_WRAPPED_RECORDS = _message(
    "the file is one object, with no identifier, holding a list of {count:d} objects under "
    '`{key:s}`; if they are the records, set `items = "{key:s}"` for this source'
)
JSON_LONE_SURROGATE = _message(
    "the text {text!r} holds a lone surrogate (half of a UTF-16 pair without the other half), "
    "which is not a character"
)
XML_DTD_REFUSED = _message(
    "the document declares a DTD (<!DOCTYPE ...>), which is refused: entity declarations are "
    "how XML bombs and external-entity attacks get in"
)
XML_INVALID = _message("not well-formed XML: {detail}")
XML_ENTITY_BOMB = _message(
    "the document's entity declarations expand to far more text than the document holds (an "
    "XML bomb); it was not read"
)
XML_TOO_DEEP = _message(
    "the document nests elements more than {limit:d} levels deep; it was not read"
)
XML_EXTERNAL_ENTITY = _message(
    "the document declares an external entity (<!ENTITY ... SYSTEM ...>), which is refused: "
    "it would make Museion read a file or fetch an address the document names"
)
XML_BREAKS = _message(
    "not well-formed XML after {count:d} record(s): {detail}; the rest of the file was not read"
)
XML_RECORD_BROKEN = _message(
    "record {number:d} is not well-formed XML: {detail}; the records after it were read"
)
XML_RECORD_BROKEN_ENCODING = _message(
    "record {number:d} is not well-formed XML: {detail} (its bytes are not valid in {encoding:s}, "
    "the file's encoding: an XML file is UTF-8 unless its declaration names another); the records "
    "after it were read"
)
XML_RECORD_HOLDS_RECORDS = _message(
    "record {number:d} is not well-formed XML: {detail}; where it ends cannot be told: it holds "
    "the start tags of {more:d} more record(s), kept with it unread; the records after it were "
    "read"
)
XML_OUTSIDE_RECORDS = _message(
    "not well-formed XML outside its records: {detail}; each of its {count:d} record(s) was read"
)
XML_RECORD_NAMESPACE = _message(
    "the record's prefix names another namespace ({namespace}) than the file's other records"
)
XML_NO_RECORD = _message(
    "the file holds no <{element:s}> record element (its root is {found}); set `record_element` "
    "if the records are called something else",
    terms=("found",),
)
RDF_UNREADABLE = _message("not readable as {format:s}: {detail}")
RDF_NO_TYPED_SUBJECT = _message("no subject is typed as one of {types} (option types)")

# -- a partner's records ---------------------------------------------------------------------

ITEM_NOT_OBJECT = _message("the item is not a JSON object")
ITEM_NO_IDENTIFIER = _message("the item has no identifier")
FOUND_BY = _message("{reason}; it holds {hint}")
"""What a record without an identifier holds, to find it by: "Title 'Bol'" (spaces and all)."""
NO_IDENTIFIER = _message("the record has no identifier: {where} is missing or empty")
TOTALS_LINE = _message(
    "the row is a totals line, not an object: its identifier is {id!r}; a count or sum under "
    "the records is not published (delete the line from the export)"
)
"""A spreadsheet's line "Total" (or "Totaux", "المجموع", "Cəmi" ...) below the records."""
NO_IDENTIFIER_FIELD = _message(
    "the record has no identifier: it has no field {where} (it has {fields})"
)
NO_IDENTIFIER_FIELD_LOOKALIKE = _message(
    "the record has no identifier: it has no field {path!r}, but has {like!r}, which has "
    "{found} where the mapping has {wanted}",
    terms=("found", "wanted"),
)
FIELD_LOOKS_ALIKE = _message(
    "{like!r} has {found} where the mapping's {path!r} has {wanted}", terms=("found", "wanted")
)
NEITHER_OBJECT_NOR_PERSON = _message(
    "the record is neither an object (no {object!r}) nor a person (no {person!r})"
)
OAI_NO_ELEMENT = _message(
    "the record's metadata holds no {wanted} element (found {found})", terms=("found",)
)
ACTIVITY_NOT_OBJECT = _message("the activity is not a JSON object")
ACTIVITY_NAMES_NO_OBJECT = _message("the {kind} activity names no object")
ACTIVITY_UNKNOWN = _message("unknown activity type {kind!r}")
LISTED_NOT_IRI = _message("the listed object {iri!r} is not an IRI")
CONSTRUCT_EMPTY = _message("the endpoint's CONSTRUCT describes nothing for <{iri:s}>")
RECORD_REPEATED = _message(
    "the record {identifier!r} occurs twice in the feed, identically; it was read once"
)
IDENTIFIER_TOO_LONG = _message(
    "the record's identifier is {size:d} characters long, more than the {limit:d} its IRIs may "
    "carry; the record was not read"
)
DUPLICATE_IDENTIFIER = _message(
    "the identifier {identifier!r} occurs twice in the feed, with different content; only its "
    "first record was kept"
)

# -- mapping a record ------------------------------------------------------------------------

PAYLOAD_NOT_JSON = _message("the payload is not JSON: {detail}")
PAYLOAD_NOT_OBJECT = _message("the payload is not a JSON object")
PERSON_NO_NAME = _message("the person record has no name")
LINKED_ART_NOT_RDF = _message(
    "the linkedart mapping reads RDF records (kind = 'rdf' or 'sparql'), not {media_type:s}"
)
TRIPLES_DO_NOT_PARSE = _message("the record's triples do not parse: {detail}")
ID_NOT_IRI = _message("the record's id is not an IRI: {detail}")
NO_TRIPLES = _message("the record has no triples")
NOTHING_ABOUT_ITSELF = _message("the description says nothing about <{iri:s}> itself")
NOT_LIDO = _message("the payload is not a LIDO record: {detail}")
NOT_LIDO_ROOT = _message("the payload is not a LIDO record: its root is <{root:s}>")
LIDO_WRAP = _message("the payload is a lidoWrap with {count:d} records, not one record")
LIDO_NO_ID = _message("the LIDO record has no lidoRecID (its identifier is required)")
LIDO_IDS_DISAGREE = _message(
    "the LIDO record has {count:d} different lidoRecIDs ({ids}) and none is marked preferred, so "
    "which record it is cannot be decided"
)
LIDO_NO_DESCRIPTIVE = _message(
    "the LIDO record has no descriptiveMetadata: there is nothing to map"
)
LONE_SURROGATE = _message("the text holds a lone surrogate ({code:s}), which no RDF text can carry")
INVALID_IRI = _message("{value!r} is not a valid IRI ({detail})")
STORE_REFUSED = _message("the store refused the record: {detail}")

# -- warnings on a mapped record -------------------------------------------------------------

LANGUAGE_TAG_INVALID = _message("language tag {tag!r} is not BCP 47; kept the text without it")
SCHEME_REFUSED = _message("{what} {value!r} uses the {scheme:s}: scheme; refused", terms=("what",))
IRI_LEFT_OUT = _message("{what} {value!r} is not a valid IRI; left out", terms=("what",))
LINK_REFUSED = _message(
    "{what} {value!r} is not an http(s) URL ({scheme:s}:); refused", terms=("what",)
)
LINK_KEPT = _message(
    "{what} {value!r} is not an http(s) URL; kept as {kept}", terms=("what", "kept")
)
UNKNOWN_PROPERTY = _message("unknown property <{iri:s}> kept (not in Linked Art)")
JSONLD_NO_ID = _message(
    'a JSON-LD document without an "id": a record needs the IRI its partner gives it'
)
UNDEFINED_TERM = _message(
    "the JSON-LD key {term!r} is not in the Linked Art context: kept as <{iri:s}> (misspelt?)"
)
UNKNOWN_CLASS = _message("unknown class <{iri:s}> kept (not in Linked Art)")
NO_DIMENSION = _message("no dimension could be read from {text!r}")
UNKNOWN_UNIT = _message("unknown unit {unit!r}; dimensions kept without a unit")
MEASUREMENT_NOT_NUMBER = _message("measurement value {value!r} is not a number; left out")
MEASUREMENT_KEPT_AS_TEXT = _message(
    "measurement value {value!r} is not a number; kept as a dimension statement"
)
MEASUREMENT_OWN_UNIT = _message(
    "measurement value {value!r} gives its own unit, not the mapping's {configured:s}; "
    "read in its own unit"
)
MEASUREMENT_UNIT_REFUSED = _message(
    "measurement value {value!r} is in {unit:s}, which does not measure what its field does "
    "(a length or a weight); kept as a dimension statement"
)
MEASUREMENT_NEGATIVE = _message(
    "measurement value {value!r} is below zero, which no length or weight is; kept as a "
    "dimension statement"
)
MEASUREMENT_NO_TYPE = _message("a measurement has no type; left out")
CREATOR_NAMELESS = _message("a creator has neither an id nor a name; left out")
MAKER_NOT_TOLD = _message(
    "the credit line's {words!r} could be any of the object's {count:d} makers: kept as a party "
    "of the acquisition, linked to none of them"
)
PARTIES_CAPPED = _message(
    "the credit line names {count:d} parties, more than the {limit:d} Museion links to one "
    "acquisition: the first {limit:d} are its parties, and the credit line keeps every name"
)
ACTOR_NAMELESS = _message("an actor has neither an identifier nor a name; left out")
ACTOR_DATE_INVALID = _message(
    "the {which} date {value!r} of an actor is not a date; left out", terms=("which",)
)
COORDINATES_LEFT_OUT = _message("coordinates in a form other than gml:Point/gml:Polygon; left out")
TITLE_LETTERS_REPLACED = _message(  # one per title: reports written before are still read
    "title {text!r} has a question mark inside a word: the program that saved the file wrote "
    "it for letters its encoding cannot hold; save the file as UTF-8 and send it again"
)
TITLE_LETTERS_REPLACED_IN = _message(
    "a title in {field!r} has a question mark inside a word: the program that saved the file "
    "wrote it for letters its encoding cannot hold; save the file as UTF-8 and send it again"
)
DATE_TEXT_ONLY = _message("date text {text!r} not understood; kept as text only")
DATE_FIELDS_USED = _message("date text {text!r} not understood; used the date fields")
DATE_DISAGREE = _message(
    "date fields ({begin} to {end}) and text {text!r} disagree; used the {prefer}",
    terms=("prefer",),
)
DATE_BACKWARDS = _message("date fields run backwards ({begin} to {end}); not used")
DATE_BACKWARDS_READ_TEXT = _message(
    "date fields run backwards ({begin} to {end}); not used, read {text!r} instead"
)
DATE_FIELD_UNREAD = _message("date field {value!r} is not a year or an ISO date; not used")
DATE_FIELD_AS_TEXT = _message(
    "date field {value!r} is not a year or an ISO date; read as a date text"
)
DATE_IMPOSSIBLE_YEAR = _message("date {value!r} names an impossible year; not used")
DATE_NO_BOUNDS = _message("the date {text!r} has no machine-readable bounds")
PLACEHOLDER_TITLE = _message("placeholder title {value!r} left out")
NO_TITLE = _message("the record has no title")
MANIFEST_NOT_FETCHED = _message("IIIF manifest {url:s} was not fetched: no images from it")
MANIFEST_FAULT = _message("IIIF manifest {url:s}: {detail}")

TERMS = (
    "IIIF manifest", "IIIF image service", "authority link", "image URL", "resource link",
    "web page", "an identifier", "text", "fields", "birth", "death", "nothing", "no metadata",
    "birth place", "death place", "maker",
)  # fmt: skip
"""The words of Museion's own that messages' ``terms`` fields carry (translated with them)."""
