"""What the full-text index stores for an object's texts, and what a query becomes.

Every text is indexed in three forms so that people find it however they type:

- ``body``: the text folded in its own script (``fold_script``: case, diacritics, Arabic
  spelling variants), its ASCII transliteration (``fold``: "Шагал" also as "shagal"), and
  German umlauts spelled out ("Schütte" also as "schuette") and Azerbaijani's ə as "a" too;
- ``abjad``: for words in Arabic script, the consonant skeleton of their transliteration
  (``محمد`` → "mhmd"), because Arabic is written without short vowels: a Latin-script query
  ("Muhammad") is reduced the same way and finds the name even when the partner gave no Latin
  form;
- ``names``: for makers' names in Latin script, the same skeleton in the consonants Arabic
  writes them with (``name_keys``: "Picasso" → "bks", as بيكاسو is), so that an Arabic-script
  query finds a Western name. Names only: concepts' labels are no names, and a skeleton that
  loose made "Ahmad" find every etching once (``search.extract.ObjectDoc.terms``).

Arabic words are also indexed without their article (``strip_arabic_article``: "السجادة" also
as "سجادة", "والمخطوط" as "مخطوط"), the text's words once more in order so that a phrase
matches, and a query's words are looked for without it too: the article is typed or not,
in the query and in the record, and either finds the other.

Queries are folded with the same functions, so index and query always agree.

The forms of each text are cached (``_forms``): an index build folds the same names, places,
materials and credit lines thousands of times, and folding was most of the build's writing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from mappings import fold, fold_script, strip_arabic_article

__all__ = [
    "MAX_QUERY_TOKENS",
    "WRITTEN_WORD",
    "QueryPart",
    "arabic_name_key",
    "index_forms",
    "known_words",
    "match_expression",
    "name_forms",
    "name_keys",
    "query_parts",
    "searched_words",
    "singulars",
    "skeleton",
    "spellings",
    "tokens",
]

MAX_QUERY_TOKENS = 16
"""Words of a query that are used; the rest are ignored (a bound on the MATCH expression)."""

_WORD = re.compile(r"\w+")
WRITTEN_WORD = re.compile("(?:\\w|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+")
"""A word as written, its combining accents and Arabic vowel marks in it (``fold_script``
drops them, and ``\\w`` alone cuts "مِصْبَاحُ" into letters)."""
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_SCHWA_SPELLINGS = 8
"""Most romanised spellings indexed for one word with ə (three of them)."""
_VOWELS = re.compile(r"[aeiou]")
_GLIDES = re.compile(r"(?<=.)[wy]")
_ARTICLES = frozenset({"al", "el"})
"""The Arabic article as Latin-script queries write it ("al-Qahira"): optional in a query."""
_JOINING_WORDS = (
    "on of in and with the a an"  # "oil on canvas", "Study of a Hand"
    " sur sous de du des d l le la les et en à au aux avec un une"  # "huile sur toile"
    " على في من مع و"  # "زيت على قماش", oil on canvas
)
"""The small words that join a medium's or a title's words, in the pages' languages: optional
in a query beside another word, as the article is. A French curator's "huile sur toile" asked
for a word beginning "sur" too, and found nothing though 22 oil paintings were in the demo
("huile" and "toile" name them in French, no text says "sur"). "or" is a word (gold)."""


def tokens(text: str) -> list[str]:
    """The words of ``text`` folded in their own script."""
    return _WORD.findall(fold_script(text))


def skeleton(word: str) -> str:
    """The consonants of a transliterated word: vowels and inner glides (w, y) dropped, doubled
    letters once: "muhammad" and "mhmd" (محمد) → "mhmd", "mahmoud" and "mhmwd" → "mhmd"."""
    word = _GLIDES.sub("", _VOWELS.sub("", word))
    return re.sub(r"(.)\1+", r"\1", word)


_NAME_SPELLINGS = tuple(
    (re.compile(pattern), sound)
    for pattern, sound in (
        ("sch", "sh"),
        ("ph", "f"),
        ("ck", "k"),
        ("c(?=[eiy])", "s"),
        ("ch", "sh"),
        ("gh$", ""),
        ("(?<=[aeiou])h(?![aeiouy])", ""),
    )
)
"""How a Latin-script name's letters sound before its vowels go: "Cézanne" (سيزان) is "s",
"Chagall" (شاغال) "sh", a final "gh" is silent ("Gainsborough", غينزبره), and so is an "h"
after a vowel and before none ("John", جون; "Warhol" keeps his, وارهول)."""
_ARABIC_SOUNDS = tuple(
    (re.compile(pattern), sound)
    for pattern, sound in (
        ("th", "t"),
        ("dh", "d"),
        ("kh", "k"),
        ("gh", "g"),
        ("[qc]", "k"),
        ("z", "s"),
        ("p", "b"),
        ("v", "f"),
        ("x", "ks"),
    )
)
"""Consonants one Arabic letter writes for two in Latin script, or two Arabic letters for
one: Arabic has no "p" (بيكاسو is "Picasso") nor "v", writes a Latin "g" غ or ج, a German
"s" ز ("Beuys", بويز)."""
_NAME_PARTICLES = frozenset(
    {"after", "and", "bt", "ch", "cie", "co", "da", "dame", "de", "del", "der", "di", "dr"}
    | {"du", "et", "ii", "iii", "inc", "jr", "la", "lady", "le", "lord", "ltd", "mr", "mrs"}
    | {"of", "om", "pra", "ra", "saint", "sir", "sr", "st", "the", "unknown", "van", "von"}
)
"""Words of a maker's name that are no name: titles ("Sir": "sr" is صورة, a picture),
particles, "unknown": an Arabic word with their consonants found every knight."""
_MIN_NAME_KEY = 2
"""Consonants a name's key has at least: one alone ("l") is على, لوحة, and every "Lee"."""


def name_keys(text: str) -> tuple[str, ...]:
    """The keys of a Latin-script maker's name (``names``): each word's skeleton in the
    consonants Arabic writes it with, and for a "g" before "e" or "i" also as "j" ("Sargent",
    سارجنت; "Hiroshige", هيروشيغي, keeps its "g"). Not initials, titles nor particles
    (``_NAME_PARTICLES``), nor Arabic words (their skeletons are ``abjad``'s)."""
    keys: list[str] = []
    for written in _WORD.findall(text):
        word = "" if _ARABIC.search(written) else fold(written).lower()
        if len(word) < 2 or word in _NAME_PARTICLES or not word.isalpha():
            continue
        for spelling in dict.fromkeys((word, re.sub("g(?=[eiy])", "j", word))):
            sounded = spelling
            for pattern, sound in _NAME_SPELLINGS:
                sounded = pattern.sub(sound, sounded)
            key = _arabic_sounds(skeleton(sounded))
            if len(key) >= _MIN_NAME_KEY and key not in keys:
                keys.append(key)
    return tuple(keys)


def _arabic_sounds(skel: str) -> str:
    """A skeleton in the consonants Arabic writes (``_ARABIC_SOUNDS``), doubled ones once,
    and without a final "h": the ه that writes a name's last vowel (مونيه, Monet)."""
    for pattern, sound in _ARABIC_SOUNDS:
        skel = pattern.sub(sound, skel)
    skel = re.sub(r"(.)\1+", r"\1", skel)
    return skel[:-1] if len(skel) > 1 and skel.endswith("h") else skel


def arabic_name_key(word: str) -> str:
    """The key (``name_keys``) an Arabic-script query word asks the ``names`` column for, or
    "" when it is too short to be a name's (``_MIN_NAME_KEY``) or not in Arabic script. A
    word with the article keeps it: "ألبرز" (Albers) is folded "البرز", as a noun with the
    article is."""
    if not _ARABIC.search(word):
        return ""
    key = _arabic_sounds(skeleton(fold(word).replace(" ", "")))
    return key if len(key) >= _MIN_NAME_KEY and key.isascii() and key.isalpha() else ""


def name_forms(names: Iterable[str]) -> str:
    """The ``names`` column of one object: the keys of its makers' names (``name_keys``)."""
    return " ".join(key for name in names if name for key in name_keys(name))


def index_forms(texts: Iterable[str], terms: Iterable[str] = ()) -> tuple[str, str]:
    """``(body, abjad)``: the column texts of one object (see the module docstring). ``terms``
    (a vocabulary's words: "حفر حمضي", etching) are indexed as words only: a skeleton is
    for a name typed in Latin script, and "hmd" of "حمضي" made "Ahmad" find every etching."""
    body: list[str] = []
    abjad: list[str] = []
    for text in texts:
        if text:
            words, skeletons = _forms(text)
            body.extend(words)
            abjad.extend(skeletons)
    for text in terms:
        if text:
            body.extend(_forms(text)[0])
    return " ".join(body), " ".join(abjad)


def known_words(texts: Iterable[str]) -> set[str]:
    """The words the speller knows of ``texts`` that search does not look in
    (``search.extract.ObjectDoc.known``): each word in the forms the texts' column has it in
    (folded, transliterated, without its Arabic article, its umlauts spelled out), as a
    query's word is folded to be compared with them."""
    return {word for text in texts if text for form in _forms(text)[0] for word in form.split()}


@lru_cache(maxsize=65536)
def _forms(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The body words and Arabic skeletons of one text (tuples: the cache hands them out)."""
    words = tokens(text)
    body = list(words)
    abjad: list[str] = []
    translit = fold(text)
    if translit and translit.split() != words:
        body.append(translit)
    if _has_umlaut(text):
        body.append(fold(text.translate(_UMLAUTS)))
    if "ə" in text or "Ə" in text:
        body.extend(_schwa_spellings(words))
    if _ARABIC.search(text):
        stems = _stems(words)
        if stems != words:  # the whole text again, so that a phrase without articles matches
            body.append(" ".join(stems))
        for word in words:
            if not _ARABIC.search(word):
                continue
            forms = (word, word[2:] if word.startswith("ال") else "", strip_arabic_article(word))
            for form in dict.fromkeys(forms):
                skel = skeleton(fold(form).replace(" ", ""))
                if skel:
                    abjad.append(skel)
    return tuple(body), tuple(abjad)


@lru_cache(maxsize=8192)
def spellings(text: str) -> tuple[tuple[str, str], ...]:
    """``(indexed word, as written)`` for each word of ``text`` that is indexed folded
    ("picasso", "Picasso"; an Arabic word without its article, "duerer" as "Dürer"): how a
    suggestion (``search.suggest``) shows the word to the reader, rather than folded
    ("مطبوعه" for "مطبوعة"). Cached for the texts many objects share (names, places,
    materials, credit lines); a smaller cache than ``_forms``', whose texts it shares, since
    its pairs are kept beside them."""
    if text.isascii():  # folding is lower case alone: no need to fold the text
        return tuple((w.lower(), w) for w in _WORD.findall(text) if not w.islower())
    written = WRITTEN_WORD.findall(text)
    folded = tokens(text)
    aligned = len(folded) == len(written)
    if aligned:  # folding kept the words apart: fold the text once
        pairs = [(f, w) for f, w in zip(folded, written, strict=True) if f != w]
        special = [w for w in written if _ARABIC.search(w) or _has_umlaut(w)]
    else:
        pairs, special = [], written
    for word in special:
        forms = [] if aligned else [(word, word)]  # (aligned, the word itself is paired)
        stem = strip_arabic_article(word) if _ARABIC.search(word) else word
        if stem != word:
            forms.append((stem, stem))
        if _has_umlaut(word):  # "duerer" is "Dürer"
            forms.append((word.translate(_UMLAUTS), word))
        for form, shown in forms:
            words = tokens(form)
            if len(words) == 1 and words[0] != shown:
                pairs.append((words[0], shown))
    return tuple(pairs)


def _has_umlaut(text: str) -> bool:
    """Whether ``text`` has a German umlaut, which the index also spells out ("oel")."""
    return any(c in text for c in "äöüÄÖÜ")


def _stems(words: list[str] | tuple[str, ...]) -> list[str]:
    """The words with the Arabic article taken off each (other words as they are)."""
    return [strip_arabic_article(word) for word in words]


def _schwa_spellings(words: list[str]) -> list[str]:
    """Azerbaijani's ə romanised as "a" or "e", in every mix, as names are written: "Səttar
    Bəhlulzadə" is "Sattar Bahlulzade" as often as the transliteration's "Settar Behlulzade"
    (a word with more than three ə keeps the transliteration's spelling alone)."""
    spellings: list[str] = []
    for word in words:
        parts = word.split("ə")
        if len(parts) == 1 or 2 ** (len(parts) - 1) > _SCHWA_SPELLINGS:
            continue
        for vowels in product("ae", repeat=len(parts) - 1):
            spelled = parts[0] + "".join(
                v + rest for v, rest in zip(vowels, parts[1:], strict=True)
            )
            spellings.append(fold(spelled))
    return spellings


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression of a query: every word must match (as a prefix from three
    letters on), in the body or, for Latin-script words, by its consonant skeleton in the
    Arabic column, for Arabic-script words, by a maker's name in Latin script with the same
    consonants (``names``). None when the query has no words.

    As in the search boxes people know: ``"oil on canvas"`` matches the words in that order,
    ``picasso OR braque`` either, and ``-devon`` or ``NOT devon`` leaves out what matches
    (when something else is asked for: nothing is left out of everything). The operators are
    in capitals; a lower-case "or" (French for gold) is a word."""
    terms = _terms(query)
    positive = [t for t in terms if not t.negated]
    if not positive:
        return None
    groups: list[list[_Term]] = []
    for term in positive:
        if term.either and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
    if len(groups) > 1:  # "al-Qahira", "huile sur toile": optional beside another word
        kept = [g for g in groups if not (len(g) == 1 and g[0].words in _OPTIONAL_WORDS)]
        groups = kept or groups
    either = [
        " OR ".join(_alternatives(t.words, t.spelled, singulars=not t.phrase) for t in group)
        for group in groups
    ]
    expression = " AND ".join(
        text if len(group) == 1 else f"({text})" for text, group in zip(either, groups, strict=True)
    )
    for term in terms:
        # not by Arabic skeleton: "-ali" would leave out every "l"; nor by its singular, as a
        # quoted word is not: "-Roberts" leaves out the Roberts, not every Robert too
        if term.negated:
            expression += " NOT " + _alternatives(
                term.words, term.spelled, skeletons=False, singulars=False
            )
    return expression


def searched_words(query: str) -> list[str]:
    """The folded words ``query`` asks for, in order: not those it leaves out (``-devon``),
    nor its operators; within ``MAX_QUERY_TOKENS`` as ``match_expression`` reads it."""
    return [word for term in _terms(query) if not term.negated for word in term.words]


_OPTIONAL_WORDS = frozenset(
    (word,) for text in (*_ARTICLES, _JOINING_WORDS) for word in tokens(text)
)
"""The one-word terms left out of a query that has others: the article and the joining words,
folded as a query's words are ("على" as "علي")."""
_QUERY_PART = re.compile(r'(?P<minus>(?<!\S)-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True, slots=True)
class QueryPart:
    """A word or a quoted phrase of a query as typed (``query[start:end]``, its quotes and
    minus sign included), its folded words, and how the operators before it read it."""

    start: int
    end: int
    source: str
    """The word, or the phrase inside its quotes."""
    words: tuple[str, ...]
    phrase: bool
    left_out: bool
    """Led by ``-`` or ``NOT``: what matches it is left out."""
    either: bool
    """Joined to the part before by ``OR`` (or ``|``)."""


def query_parts(query: str) -> Iterator[QueryPart]:
    """The parts of ``query`` that have words, in order, read as ``match_expression`` reads
    them: ``OR`` and ``|`` join a part to the one before (a leading "OR" is a word), ``NOT``
    and a leading ``-`` leave one out; an operator stands until a part with words takes it.
    The operators themselves, and parts without words ("-", "..."), are not given."""
    either = negate = seen = False
    for found in _QUERY_PART.finditer(query):
        raw = found["word"]
        if raw in ("OR", "|") and seen:
            either = True
            continue
        if raw == "NOT":
            negate = True
            continue
        source = found["phrase"] if raw is None else raw
        words = tuple(tokens(source))
        if not words:
            continue
        left_out = negate or bool(found["minus"])
        yield QueryPart(found.start(), found.end(), source, words, raw is None, left_out, either)
        either = negate = False
        seen = True


class _Term:
    """A word or a quoted phrase of a query, folded, and how it joins the one before."""

    __slots__ = ("either", "negated", "phrase", "spelled", "words")

    def __init__(
        self,
        words: tuple[str, ...],
        *,
        negated: bool,
        either: bool,
        phrase: bool = False,
        spelled: tuple[str, ...] | None = None,
    ) -> None:
        self.words, self.negated, self.either = words, negated, either
        self.phrase = phrase
        """Quoted: its words are asked for as typed, a plural not by its singular."""
        self.spelled = spelled
        """The words with German umlauts spelled out ("Öl" → "oel"), as the index also has
        them, when that differs: "ol" matches only whole, "oel" as a prefix of "Ölfarbe"."""


def _terms(query: str) -> list[_Term]:
    """The query's words and phrases, with their operators, the first ``MAX_QUERY_TOKENS``
    words in all."""
    terms: list[_Term] = []
    budget = MAX_QUERY_TOKENS
    for part in query_parts(query):
        words = part.words[:budget]
        spelled = tuple(tokens(part.source.translate(_UMLAUTS)))[: len(words)]
        spelled_out = spelled if spelled != words and len(spelled) == len(words) else None
        budget -= len(words)
        negated = part.left_out
        # A phrase is one term, and so is "Saint-Denis" left out or given as an alternative
        # ("-al-Qahira" leaves out the city, not every text with "al" in it); otherwise
        # "l'atelier", "Saint-Denis" are a term a word, as before.
        whole = part.phrase or negated or part.either
        units = [(words, spelled_out)] if whole else []
        if not whole:
            units = [
                ((w,), (spelled_out[i],) if spelled_out else None) for i, w in enumerate(words)
            ]
        for unit, other in units:
            terms.append(
                _Term(
                    unit,
                    negated=negated,
                    either=part.either and not negated,
                    phrase=part.phrase,
                    spelled=other if other != unit else None,
                )
            )
        if budget <= 0:
            break
    return terms


_BRITISH_AMERICAN = (
    ("colour", "color"),  # watercolour, colour woodcut
    ("grey", "gray"),
    ("centre", "center"),
    ("theatre", "theater"),
    ("jewellery", "jewelry"),
    ("mould", "mold"),
    ("armour", "armor"),
    ("harbour", "harbor"),
    ("sulphur", "sulfur"),
    ("aluminium", "aluminum"),
    ("catalogue", "catalog"),
)
"""British and American spellings of the words that name media and subjects, either way.
A curator's "watercolour" found Tate's 45 watercolours and none of Carnegie's 76, which
write "watercolor" (and "watercolor" found both: Tate's are labelled with AAT's American
"watercolor (paint)" too)."""


def _other_spellings(words: tuple[str, ...]) -> list[str]:
    """A word as the other side of the Atlantic spells it (``_BRITISH_AMERICAN``)."""
    if len(words) != 1:
        return []
    word = words[0]
    for british, american in _BRITISH_AMERICAN:
        if british in word:
            return [word.replace(british, american)]
        if american in word:
            return [word.replace(american, british)]
    return []


def _singulars(words: tuple[str, ...]) -> list[str]:
    """The singulars a plural word may have, English or French, to be matched whole:
    "etchings" found nothing while "etching" found 34 works, "watercolours" nothing beside
    "watercolour", and "horses" one work of fifteen with a horse in them. Whole words only
    (a prefix already finds the plural from the singular), from five letters, not in quotes
    (``"marines"`` is the word as typed) nor left out (``-Roberts`` leaves out the name as
    typed, not every Robert), and not after
    "ss", "us", "is" ("glass", "Jesus", "Paris" are no plurals); irregular plurals
    ("women") are not guessed."""
    if len(words) != 1 or not (words[0].isascii() and words[0].isalpha()):
        return []
    word = words[0]
    if len(word) < 5 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return []
    forms = [word[:-1]]
    if word.endswith("ies"):  # "studies": "study"
        forms.append(word[:-3] + "y")
    elif word.endswith(("sses", "xes", "zes", "ches", "shes")):  # "sketches": "sketch"
        forms.append(word[:-2])
    return forms


def singulars(word: str) -> list[str]:
    """The singulars a folded word, if a plural, is also asked for by (``_singulars``)."""
    return _singulars((word,))


def _alternatives(
    words: tuple[str, ...],
    spelled: tuple[str, ...] | None = None,
    *,
    skeletons: bool = True,
    singulars: bool = True,
) -> str:
    """A word (as a prefix from three letters on) or a phrase (its last word as a prefix), in
    the body as folded, without its Arabic articles, with its umlauts spelled out, or
    transliterated, a plural by its singular and a word by its other spelling, British or
    American (``_singulars``, ``_other_spellings``, unless quoted), or a
    Latin-script word by its Arabic skeleton, an Arabic-script word by a maker's Latin-script
    name with its consonants (``name_keys``), whole."""
    star = "*" if len(words[-1]) >= 3 else ""
    text = " ".join(words)
    alternatives = [f'body:"{text}"{star}']
    stems = _stems(words)
    if stems != list(words):  # "السجادة" finds "سجادة", and "سجادة" "السجادة" (indexed so)
        alternatives.append(f'body:"{" ".join(stems)}"' + ("*" if len(stems[-1]) >= 3 else ""))
    if spelled:
        alternatives.append(f'body:"{" ".join(spelled)}"' + ("*" if len(spelled[-1]) >= 3 else ""))
    translit = " ".join(fold(w).replace(" ", "") for w in words)
    # not a lone letter: "ال" is "l", which is French "l'" and every initial in a name
    if len(translit) > 1 and translit != text:
        alternatives.append(f'body:"{translit}"{star}')
    if singulars:
        ones = _singulars(words)
        alternatives.extend(f'body:"{one}"' for one in ones)
        alternatives.extend(f'body:"{other}"{star}' for other in _other_spellings(words))
        alternatives.extend(f'body:"{o}"' for one in ones for o in _other_spellings((one,)))
    if skeletons and len(words) == 1 and words[0].isascii() and words[0].isalpha():
        skel = skeleton(words[0])
        if skel:  # short skeletons ("Ali" → "l") must match whole, longer ones as prefixes
            alternatives.append(f'abjad:"{skel}"' + ("*" if len(skel) >= 3 else ""))
    elif skeletons and len(words) == 1 and (key := arabic_name_key(words[0])):
        # whole: as a prefix, "ألبرز" (lbrs) found "Albrecht"
        alternatives.append(f'names:"{key}"')
    return "(" + " OR ".join(alternatives) + ")"
