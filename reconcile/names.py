"""Names of people and groups, normalised so that one person's name compares equal across
partners however each writes it.

"Picasso, Pablo" and "Pablo Picasso" (inverted or not), "R.B. Kitaj" and "R. B. Kitaj"
(initials), "Albrecht Dürer" and "Albrecht Durer" (diacritics), "Шагал" and "Shagal"
(transliteration), "Giacomo della Porta" and "Porta, Giacomo della" (particles), "Sir Edwin
Lutyens" and "Lutyens, Edwin" (honorifics). Each name is folded (NFKC, ASCII transliteration
with anyascii, case-folded, punctuation to spaces) and split into surname, given names and a
generation marker ("II", "the Younger"), which must agree when both names have one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

from mappings import fold
from museion_core import messages

__all__ = [
    "NameMatch",
    "PersonName",
    "compare_group_names",
    "compare_person_names",
    "fold",
    "group_key",
    "is_anonymous",
    "parse_person_name",
    "skeleton",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PARTICLES = _words(
    "van von der den de del della degli dei di da das dos du des la le ten ter te zu"
    " y af av al el bin ibn st saint"
)
_HONORIFICS = _words(
    "sir dame lord lady dr mr mrs ms miss prof professor rev reverend baron baroness"
    " count countess graf freiherr fra frau herr mme mlle"
)
_GENERATIONS = {
    "i": "i",
    "ii": "ii",
    "iii": "iii",
    "iv": "iv",
    "v": "v",
    "jr": "jr",
    "junior": "jr",
    "jun": "jr",
    "sr": "sr",
    "senior": "sr",
    "sen": "sr",
    "the younger": "younger",
    "younger": "younger",
    "der jungere": "younger",
    "le jeune": "younger",
    "le fils": "younger",
    "fils": "younger",
    "the elder": "elder",
    "elder": "elder",
    "der altere": "elder",
    "l aine": "elder",
    "le pere": "elder",
    "pere": "elder",
}
_ANONYMOUS = re.compile(
    r"^(?:unknown|anonymous|anon|unidentified|not known|various|fotograf unbekannt|unbekannt"
    r"|inconnu|anonyme|anonimo|sconosciuto|desconocido|onbekend|artist unknown"
    r"|unknown artist|unknown maker|maker unknown|photographer unknown)\b"
)
_GENERIC_GROUP_WORDS = _words(
    "and the of co company inc ltd llc gmbh ag corp corporation associates associated"
    " studio studios workshop works factory manufactory manufacturing firm group &"
)
_PAREN = re.compile(r"\(([^)]*)\)")
_INITIALS = re.compile(r"^(?:[a-z]\.){2,}[a-z]?\.?$")


def skeleton(word: str) -> str:
    """A transliteration-tolerant key of a folded word: the spellings that romanisations of
    one name differ by (Kandinsky/Kandinskii/Kandinskij, Tchaikovsky/Chaikovskii,
    Dostoevsky/Dostoyevsky, Shûzô/Shuuzou) collapse to one form."""
    w = word
    for old, new in (
        ("tch", "ch"),
        ("sch", "sh"),
        ("kh", "h"),
        ("ph", "f"),
        ("ck", "k"),
        ("w", "v"),
        ("ou", "o"),
        ("uu", "u"),
        ("oo", "o"),
        ("ye", "e"),
        ("yo", "o"),
        ("ya", "ia"),
        ("yu", "iu"),
        ("j", "i"),
        ("y", "i"),
        ("ii", "i"),
    ):
        w = w.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", w)


def is_anonymous(text: str) -> bool:
    """ "unknown American", "Anonymous", "Fotograf unbekannt": not a name of anyone."""
    folded = fold(text)
    return not folded or bool(_ANONYMOUS.match(folded))


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person's name in parts, each folded."""

    surname: str
    """The surname without particles: ``porta`` for "Giacomo della Porta"."""
    given: tuple[str, ...]
    """Given names in order; an initial is one letter (``("r", "b")`` for "R.B.")."""
    generation: str | None = None
    inverted: bool = False
    """Written "Surname, Given": the order of the parts is known, not guessed."""

    @property
    def initials(self) -> str:
        return "".join(g[0] for g in self.given)

    @property
    def full(self) -> str:
        return " ".join([*self.given, self.surname])


def _split_given(text: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for raw in re.split(r"[\s]+", text.strip()):
        raw_folded = anyascii(raw).casefold()
        if _INITIALS.match(raw_folded):  # "R.B." is two initials
            tokens += [c for c in raw_folded if c.isalpha()]
            continue
        tokens += [t for t in fold(raw).split() if t]
    return tuple(t for t in tokens if t not in _HONORIFICS)


def _generation(tokens: list[str]) -> tuple[list[str], str | None]:
    """Remove a generation marker at the end ("II", "Jr.", "the Younger")."""
    for size in (2, 1):
        if len(tokens) > size:
            tail = " ".join(tokens[-size:])
            if tail in _GENERATIONS:
                return tokens[:-size], _GENERATIONS[tail]
    return tokens, None


_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u2011](?=\w)")


def parse_person_name(text: str) -> PersonName | None:
    """The parts of a person's name, or None when it is no name (empty, anonymous)."""
    if is_anonymous(text):
        return None
    text = _HYPHEN.sub("", text)  # "Toulouse-Lautrec" is one surname, however it is split
    generation = None
    qualifiers = [fold(q) for q in _PAREN.findall(text)]
    for qualifier in qualifiers:
        if qualifier in _GENERATIONS:
            generation = _GENERATIONS[qualifier]
    bare = _PAREN.sub(" ", text)
    if "," in bare:
        surname_part, _, given_part = bare.partition(",")
        given_tokens, gen = _generation(list(_split_given(given_part.replace(",", " "))))
        generation = generation or gen
        # particles written after the given names ("Porta, Giacomo della") belong to the surname
        while given_tokens and given_tokens[-1] in _PARTICLES:
            given_tokens.pop()
        surname_tokens = [t for t in fold(surname_part).split() if t not in _HONORIFICS]
        surname_tokens = [t for t in surname_tokens if t not in _PARTICLES] or surname_tokens
        if not surname_tokens:
            return None
        return PersonName(" ".join(surname_tokens), tuple(given_tokens), generation, True)
    tokens, gen = _generation(list(_split_given(bare)))
    generation = generation or gen
    if not tokens:
        return None
    surname = tokens[-1]
    given = tokens[:-1]
    while given and given[-1] in _PARTICLES:
        given.pop()
    return PersonName(surname, tuple(given), generation, False)


class NameMatch(IntEnum):
    """How well two names agree, weakest first; CONFLICT means they cannot be one person."""

    CONFLICT = 0
    SURNAME_ONLY = 1
    """The surnames agree and one name has no given names at all."""
    INITIAL = 2
    """The first given names agree only by an initial ("J. Nash" and "Joseph Nash")."""
    INITIALS = 3
    """Two or more initials, all equal ("R.B. Kitaj" and "R. B. Kitaj")."""
    REORDERED = 4
    """The same words in another order, neither name inverted ("Ikeda Shuzo", "Shuzo Ikeda")."""
    COMPATIBLE = 5
    """The first given names are equal in full; the others agree or are left out."""
    EXACT = 6


def _surname_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if skeleton(a) == skeleton(b):
        return 0.95
    similarity = JaroWinkler.similarity(a, b)
    return similarity if similarity >= 0.93 and min(len(a), len(b)) >= 5 else 0.0


def _given_tokens_agree(a: str, b: str) -> str | None:
    """'full', 'initial' or None for one pair of given-name tokens."""
    if a == b:
        return "full" if len(a) > 1 else "initial"
    if len(a) == 1 or len(b) == 1:
        return "initial" if a[0] == b[0] else None
    if skeleton(a) == skeleton(b):
        return "full"
    return None


def compare_person_names(a: PersonName, b: PersonName) -> tuple[NameMatch, float, str]:
    """How two person names agree: the level, the surname similarity, and why, in words."""
    if a.generation and b.generation and a.generation != b.generation:
        return NameMatch.CONFLICT, 0.0, f"generations differ ({a.generation} / {b.generation})"
    reordered = sorted(a.full.split()) == sorted(b.full.split()) and a.full != b.full
    if not a.inverted and not b.inverted and reordered and len(a.full.split()) > 1:
        return NameMatch.REORDERED, 1.0, messages.MATCH_SAME_WORDS(name=a.full)
    surname = _surname_similarity(a.surname, b.surname)
    if surname == 0.0:
        return NameMatch.CONFLICT, 0.0, f"surnames differ ({a.surname} / {b.surname})"
    how = (
        messages.MATCH_SURNAMES_EQUAL()
        if surname == 1.0
        else messages.MATCH_SURNAMES_SIMILAR(surname=a.surname, other=b.surname)
    )
    if not a.given or not b.given:
        return NameMatch.SURNAME_ONLY, surname, messages.MATCH_NO_GIVEN_NAME(detail=how)
    levels: list[str] = []
    for x, y in zip(a.given, b.given, strict=False):
        agree = _given_tokens_agree(x, y)
        if agree is None:
            # A middle name one side left out ("Arthur Garfield Dove" / "Arthur Dove") is
            # fine; a first given name that differs is another person.
            if levels and _given_subsequence(a.given, b.given):
                break
            return NameMatch.CONFLICT, surname, f"given names differ ({x} / {y})"
        levels.append(agree)
    first = levels[0]
    if first == "initial":
        if (
            len(levels) >= 2
            and all(lv == "initial" for lv in levels)
            and len(a.given) == len(b.given)
        ):
            said = messages.MATCH_INITIALS_EQUAL(detail=how, initials=a.initials)
            return NameMatch.INITIALS, surname, said
        return NameMatch.INITIAL, surname, messages.MATCH_FIRST_INITIAL(detail=how)
    if a.given == b.given:
        return NameMatch.EXACT, surname, messages.MATCH_GIVEN_NAMES_EQUAL(detail=how)
    return (
        NameMatch.COMPATIBLE,
        surname,
        messages.MATCH_GIVEN_NAMES_AGREE(detail=how, given=a.given[0]),
    )


def _given_subsequence(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One list of given names is the other with some middle names left out."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    it = iter(long)
    return all(any(_given_tokens_agree(s, token) for token in it) for s in short)


def group_key(text: str) -> str:
    """A group's name as a key: folded, with "&"/"and", "Co."/"Company" and word order
    ignored ("Altwater & Brother" = "Altwater and Brother")."""
    words = [w for w in fold(text.replace("&", " and ")).split() if w not in ("and", "the")]
    return " ".join(sorted(words))


def significant_words(text: str) -> list[str]:
    return [w for w in fold(text.replace("&", " and ")).split() if w not in _GENERIC_GROUP_WORDS]


def compare_group_names(a: str, b: str) -> tuple[bool, int, str]:
    """Whether two group names are the same name, how many distinctive words it has, and why."""
    if group_key(a) != group_key(b):
        return False, 0, f"names differ ({a!r} / {b!r})"
    words = len(significant_words(a))
    return True, words, messages.MATCH_SAME_GROUP_NAME(name=a)
