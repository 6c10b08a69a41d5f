"""The grammar of museum date texts: ``parse_date_text("c.1828–30") → 1823-01-01 … 1835-12-31``.

A text is a list of items ("1933, this version c.1936–7"); an item is an expression over points
("between 1650 and 1660", "before 1650", "1620–25", "1650 or 1651"); a point is a year, month,
day, decade or century, with a part ("early", "Mitte", "fin du"), an era (BCE, AD, AH) and a
qualifier (circa, "?"). Points are read in their own era's numbering, ranges lend each other
what one side leaves out (the era of "202–220 BCE", the century of "17th–19th century", the
leading digits of "1850–60"), and only then are they turned into Gregorian days.

What each construction means (margins, parts of centuries, "before" and "after" including the
year they name) is set out in ``model`` and the README, and tested in tests/mappings/test_dates.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .instants import Day
from .model import CIRCA_YEARS, CIRCA_YEARS_CENTURY, ParsedDate
from .points import NoParseError, Point, day_point, days, iso_month, lend
from .tokens import Token, normalise, tokenise

__all__ = ["parse_date_text"]

_DAY_FIRST_LANGUAGES = (
    *("de", "fr", "en-gb", "en-au", "en-ie", "en-nz", "en-in", "en-za"),
    # Arabic, Azerbaijani and Russian registrars write the day first too (CLDR's short dates):
    # "12/03/1890" in an Arabic or Azerbaijani sheet was the span of both readings, nine months
    *("ar", "az", "ru"),
)
_FRENCH_ROMAN_ORDINAL = re.compile(r"[ivxlcm]{2,7}(?:e|er|ème|eme|è)")
"""A Roman numeral with a French ordinal ending ("XIXe", "XVIIIème"): French catalogues write
the century so without "siècle" ("fin XIXe", "XVIIIe-XIXe"), and nothing else in a date is
counted in Roman ordinals, so it names a century by itself (up to the 21st: "cie", "lie"...
are words)."""
_LAST_ROMAN_CENTURY = 21


@dataclass(frozen=True, slots=True)
class _Item:
    begin: Day | None
    end: Day | None
    role: str = "date"
    """``date``, ``period`` (a named period that frames the others), ``post`` (an event after
    the making, such as "exhibited 1842": the work existed by then) or ``later``."""


def parse_date_text(text: str, language: str | None = None) -> ParsedDate | None:
    """Read a museum date text; None when it is not one this grammar knows.

    ``language`` (a BCP 47 tag) settles day/month order of numeric dates ("05/06/1918" is 5 June
    in ``de``, ``fr`` or ``en-GB``, May 6 in ``en-US``; without a hint, both readings span).
    A text that says there is no date ("date not known", "o. J.") gives a ParsedDate with
    neither begin nor end.
    """
    return _parse(text, (language or "").casefold())


@lru_cache(maxsize=8192)
def _parse(text: str, language: str) -> ParsedDate | None:
    """``parse_date_text``, remembered: feeds repeat their date texts ("c.1830", "1972")."""
    if not text.strip() or len(text) > 500:
        return None
    normalised = normalise(text)
    tokens = tokenise(normalised)
    if not tokens:
        return None
    parser = _Parser(_part_first(_century_last(tokens)), language)
    try:
        begin, end = parser.parse()
    except NoParseError:
        return None
    if begin is not None and end is not None and begin > end:
        return None
    return ParsedDate(text, begin, end, tuple(dict.fromkeys(parser.recognised)))


def _century_last(tokens: list[Token]) -> list[Token]:
    """Arabic names the century before its number ("القرن 19", "القرن التاسع عشر"): read it
    as "19th century" is read."""
    out = list(tokens)
    for i in range(len(out) - 1):
        number = out[i + 1].value
        if (
            out[i].kind == "century"
            and out[i + 1].kind in ("ordinal", "number")
            and isinstance(number, int)
            and 1 <= number <= 30
        ):
            out[i], out[i + 1] = replace(out[i + 1], kind="ordinal"), out[i]
    return out


def _part_first(tokens: list[Token]) -> list[Token]:
    """Azerbaijani names the part after its century or decade ("XIX əsrin sonu", the end of
    the 19th century; "1920s sonu"): read it as "late 19th century" is read. A century written
    with a number and its word ("19 əsr", "19 век") is an ordinal century."""
    out = list(tokens)
    for i in range(len(out) - 1):
        number = out[i].value
        if (
            out[i].kind == "number"
            and out[i + 1].kind == "century"
            and isinstance(number, int)
            and 1 <= number <= 30
        ):
            out[i] = replace(out[i], kind="ordinal")
    for i, token in enumerate(out):
        if token.kind != "part-after":
            continue
        if i >= 2 and out[i - 1].kind == "century" and out[i - 2].kind == "ordinal":
            start = i - 2
        elif i >= 1 and out[i - 1].kind == "decade":
            start = i - 1
        else:
            continue  # left as it is: a part with nothing before it is not read
        out[start : i + 1] = [replace(token, kind="part"), *out[start:i]]
    return out


class _Parser:
    def __init__(self, tokens: list[Token], language: str) -> None:
        self.tokens = tokens
        self.position = 0
        self.language = language
        self.recognised: list[str] = []

    # -- token helpers ------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def kind(self, offset: int = 0) -> str:
        token = self.peek(offset)
        return token.kind if token is not None else ""

    def take(self, *kinds: str) -> Token:
        token = self.peek()
        if token is None or (kinds and token.kind not in kinds):
            raise NoParseError
        self.position += 1
        return token

    def accept(self, *kinds: str) -> Token | None:
        token = self.peek()
        if token is not None and token.kind in kinds:
            self.position += 1
            return token
        return None

    def note(self, *what: str) -> None:
        self.recognised.extend(what)

    # -- text and items -----------------------------------------------------------------
    def parse(self) -> tuple[Day | None, Day | None]:
        if [t.kind for t in self.tokens if t.kind != "question"] == ["undated"]:
            self.note("undated")
            return None, None
        items: list[_Item] = []
        while True:
            items.extend(self.item())
            if self.peek() is None:
                break
            if self.accept("list", "and") is None and self.kind() != "lparen":
                raise NoParseError
        if len(items) > 1:
            self.note("list")
        return _combine(items)

    def item(self) -> list[_Item]:
        role = "date"
        # a label ("Project:") or the events the date belongs to ("published", "exhibited")
        while self.kind() in ("event", "post-event", "word") and self.kind(1) == "colon":
            self.position += 2
        while self.kind() in ("event", "post-event"):
            if self.take().kind == "post-event":
                role = "post"
            self.note("event")
            self.accept("colon")
        if self.kind() == "later":
            self.position += 1
            return [_Item(None, None, "later")]
        if self.kind() in ("word", "period") and self._is_period():
            return [self.period()]
        if self.accept("lparen"):
            inner = self.item()
            while self.accept("list", "and"):
                inner.extend(self.item())
            self.take("rparen")
            return inner
        begin, end = self.expression()
        if self.kind() == "lparen" and self.kind(1) == "question" and self.kind(2) == "rparen":
            self.position += 3
            self.note("uncertain")
        return [_Item(begin, end, role)]

    def _is_period(self) -> bool:
        offset = 0
        while self.kind(offset) == "word":
            offset += 1
        return self.kind(offset) == "period"

    def period(self) -> _Item:
        while self.accept("word"):
            pass
        self.take("period")
        self.note("period")
        if self.accept("lparen"):
            begin, end = self.expression()
            self.take("rparen")
            return _Item(begin, end, "period")
        return _Item(None, None, "period")

    # -- expressions --------------------------------------------------------------------
    def expression(self) -> tuple[Day | None, Day | None]:
        kind = self.kind()
        if kind == "between":
            self.position += 1
            first = self.point()
            self.take("and", "dash", "to")
            return self.range(first, self.point(), None)
        if kind in ("before", "to"):
            self.position += 1
            self.note("before")
            return None, self.resolve(self.point())[1]
        if kind == "after":
            self.position += 1
            self.note("after")
            return self.resolve(self.point())[0], None
        if kind == "from":
            self.position += 1
            first = self.point()
            if self.kind() in ("to", "dash"):
                separator = self.take()
                return self.range(first, self.point(), separator)
            self.note("after")
            return self.resolve(first)[0], None
        if kind == "open":
            self.position += 1
            self.take("slash", "dash")
            self.note("before")
            return None, self.resolve(self.point())[1]
        first = self.point()
        kind = self.kind()
        if kind in ("dash", "to", "slash"):
            separator = self.take()
            if self.accept("open") or (self.peek() is None and separator.kind == "slash"):
                self.note("after")
                return self.resolve(first)[0], None
            return self.range(first, self.point(), separator)
        if kind == "or":
            return self.alternatives(first)
        if kind == "or-later":
            self.position += 1
            self.note("after")
            return self.resolve(first)[0], None
        if kind == "or-earlier":
            self.position += 1
            self.note("before")
            return None, self.resolve(first)[1]
        return self.resolve(first)

    def range(
        self, first: Point, second: Point, separator: Token | None
    ) -> tuple[Day | None, Day | None]:
        month = iso_month(first, second, separator)
        if month is not None:
            return self.resolve(month)
        if (  # "AH 1200/1785": the Gregorian equivalent
            first.era == "ah"
            and second.era in (None, "ce")
            and second.year is not None
            and first.year is not None
            and second.year - first.year > 100
        ):
            self.note("gregorian equivalent")
            return self.resolve(first)
        first, second = lend(first, second)
        self.note("range")
        begin, first_end = self.resolve(first)
        second_begin, end = self.resolve(second)
        if second_begin < begin:
            raise NoParseError  # "1660–1650": a range that runs backwards is a typing error
        return begin, max(end, first_end)

    def alternatives(self, first: Point) -> tuple[Day | None, Day | None]:
        spans = []
        current = first
        while self.accept("or"):
            second = self.point()
            current, second = lend(current, second)
            spans.append(self.resolve(current))
            current = second
        spans.append(self.resolve(current))
        self.note("alternatives")
        return min(s[0] for s in spans), max(s[1] for s in spans)

    # -- points -------------------------------------------------------------------------
    def point(self) -> Point:
        circa = uncertain = False
        era: str | None = None
        part: str | None = None
        while True:
            kind = self.kind()
            if kind == "question":
                uncertain = True
            elif kind == "circa":
                circa = True
            elif kind == "era":
                era = str(self.tokens[self.position].value)
            elif kind == "part":
                part = str(self.tokens[self.position].value)
            else:
                break
            self.position += 1
        core = self.core()
        point = replace(core, circa=circa, uncertain=uncertain, era=era or core.era, part=part)
        while True:
            kind = self.kind()
            if kind == "era":
                value = str(self.take().value)
                if point.era not in (None, value):
                    raise NoParseError
                point = replace(point, era=value)
            elif kind == "question":
                self.position += 1
                point = replace(point, uncertain=True)
            elif kind == "circa":  # "1890 ~", and as registrars write it after: "1890 env."
                self.position += 1
                point = replace(point, circa=True)
            else:
                break
        return point

    def core(self) -> Point:
        token = self.take()
        kind, value = token.kind, token.value
        if kind == "ordinal" and isinstance(value, int):
            if self.kind() == "month":  # "1er mars 1936", "16. März 1936"
                month = int(self.take().value)  # type: ignore[call-overload]
                return day_point(self.year_number(), month, value)
            century = self.accept("century")
            if century is None and self.kind() == "circa" and self.peek_raw() in ("c.", "c"):
                century = self.take()
            roman = value <= _LAST_ROMAN_CENTURY and _FRENCH_ROMAN_ORDINAL.fullmatch(token.raw)
            return Point("century", value, named_century=century is not None or bool(roman))
        if kind == "decade" and isinstance(value, int):
            return Point("decade", value)
        if kind == "decade2" and isinstance(value, int):
            return Point("decade2", value)
        if kind == "isodate" and isinstance(value, tuple):
            year, month, day = value  # ISO 8601 years are astronomical already
            return replace(day_point(year, month, day), era="astronomical" if year < 1 else None)
        if kind == "numdate" and isinstance(value, tuple):
            return self.numeric_date(*value)
        if kind == "month" and isinstance(value, int):
            return self.month_first(value)
        if kind == "number" and isinstance(value, int):
            if self.kind() == "month":  # "12 March 1936"
                month = int(self.take().value)  # type: ignore[call-overload]
                return day_point(self.year_number(), month, value)
            return Point(
                "year",
                value,
                digits=len(token.raw),
                leading_zero=token.raw.startswith("0"),
            )
        if kind == "decade-word" and self.kind() == "number":  # "années 1890"
            return Point("decade", self.year_number())
        raise NoParseError

    def peek_raw(self) -> str:
        token = self.peek()
        return token.raw if token is not None else ""

    def year_number(self) -> int:
        token = self.take("number")
        if len(token.raw) < 3 or not isinstance(token.value, int):
            raise NoParseError
        return token.value

    def month_first(self, month: int) -> Point:
        """ "March 1936", "March 12, 1936", "March 12th 1936", or "September" (in a range)."""
        if self.kind() in ("number", "ordinal") and self.kind(1) in ("list", "number"):
            token = self.peek()
            assert token is not None
            if token.kind == "ordinal" or len(token.raw) <= 2:
                day = int(self.take().value)  # type: ignore[call-overload]
                self.accept("list")
                return day_point(self.year_number(), month, day)
        if self.kind() == "number" and len(self.peek_raw()) >= 3:
            return Point("month", self.year_number(), month)
        return Point("month", None, month)

    def numeric_date(self, first: int, second: int, separator: str, year: int) -> Point:
        """12/16/1918 (month first, as 16 > 12 says), 16.12.1918, 05/06/1918 (ambiguous)."""
        if first > 12 or separator == ".":
            return day_point(year, second, first)
        if second > 12:
            return day_point(year, first, second)
        if first == second or self.language.startswith(_DAY_FIRST_LANGUAGES):
            return day_point(year, second, first)
        if self.language == "en-us":
            return day_point(year, first, second)
        self.note("ambiguous day and month")
        return replace(day_point(year, first, second), other=(second, first))

    # -- resolution ---------------------------------------------------------------------
    def resolve(self, point: Point) -> tuple[Day, Day]:
        """The first and last day a point can mean, in the proleptic Gregorian calendar."""
        if point.kind == "century" and not point.named_century:
            raise NoParseError  # a bare "17th"
        if point.kind == "decade2" or (point.kind in ("year", "month") and point.year is None):
            raise NoParseError
        if point.kind == "year" and point.digits < 3 and point.era is None:
            raise NoParseError  # "12" alone is not a year
        self.note(point.kind)
        if point.era is not None:
            self.note({"bce": "bce", "ce": "ce", "ah": "hijri"}.get(point.era, "iso"))
        if point.circa:
            self.note("circa")
        if point.uncertain:
            self.note("uncertain")
        if point.part is not None:
            self.note("part")
        begin, end = days(point)
        if point.circa:
            margin = CIRCA_YEARS_CENTURY if point.kind == "century" else CIRCA_YEARS
            begin, end = (begin[0] - margin, 1, 1), (end[0] + margin, 12, 31)
        return begin, end


# -- items to one span ------------------------------------------------------------------------
def _combine(items: list[_Item]) -> tuple[Day | None, Day | None]:
    """A list is the span of its dated items ("2001, reproduced 2007" is 2001–2007), inside a
    named period that frames it ("Edo period (1603–1867), 19th century" is 1800–1867), and
    ending by a later event ("c. 1830, exhibited 1832")."""
    dated = [i for i in items if i.role == "date"]
    periods = [i for i in items if i.role == "period" and i.begin is not None]
    posts = [i for i in items if i.role == "post"]
    if not dated:
        if periods and not posts and not any(i.role == "later" for i in items):
            dated = periods[:1]
            periods = []
        elif posts and all(i.end is not None for i in posts):
            return None, min(e for i in posts if (e := i.end) is not None)
        else:
            raise NoParseError
    begins = [i.begin for i in dated]
    ends = [i.end for i in dated]
    begin = None if any(b is None for b in begins) else min(b for b in begins if b is not None)
    end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    if any(i.role == "later" for i in items):
        end = None
    for period in periods:
        assert period.begin is not None
        assert period.end is not None
        inside_begin = period.begin if begin is None else max(begin, period.begin)
        inside_end = period.end if end is None else min(end, period.end)
        if inside_begin <= inside_end:
            begin, end = inside_begin, inside_end
    for post in posts:
        if (
            post.end is not None
            and (end is None or post.end < end)
            and (begin is None or begin <= post.end)
        ):
            end = post.end
    return begin, end
