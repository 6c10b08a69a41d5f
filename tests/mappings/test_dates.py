"""Date texts to time-spans: a table of every pattern the grammar reads, and properties that
hold for every text (begin ≤ end; a year range contains its years; circa contains its year)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mappings.normalise import (
    CIRCA_YEARS,
    ParsedDate,
    bounds,
    format_instant,
    parse_date_text,
)

untimed = settings(deadline=None)  # a first example may compile the grammar's patterns

Y = tuple[int, int, int]


def span(text: str, language: str | None = None) -> tuple[Y | None, Y | None] | None:
    parsed = parse_date_text(text, language)
    return None if parsed is None else (parsed.begin, parsed.end)


def years(first: int, last: int) -> tuple[Y, Y]:
    return (first, 1, 1), (last, 12, 31)


TABLE: list[tuple[str, tuple[Y | None, Y | None] | None]] = [
    # years, full and partial ISO dates
    ("1650", years(1650, 1650)),
    ("1650.", years(1650, 1650)),
    ("[1650]", years(1650, 1650)),
    ("1650-03", ((1650, 3, 1), (1650, 3, 31))),
    ("1650-03-15", ((1650, 3, 15), (1650, 3, 15))),
    ("-0043-03-15", ((-43, 3, 15), (-43, 3, 15))),
    ("1936-02", ((1936, 2, 1), (1936, 2, 29))),
    # ranges
    ("1620-1625", years(1620, 1625)),
    ("1620–25", years(1620, 1625)),
    ("1850-60", years(1850, 1860)),
    ("1828–9", years(1828, 1829)),
    ("1799–1800", years(1799, 1800)),
    ("1899–01", years(1899, 1901)),
    ("1911-12", years(1911, 1912)),
    ("1850 - 1860", years(1850, 1860)),
    ("1650/60", years(1650, 1660)),
    ("between 1650 and 1660", years(1650, 1660)),
    ("from 1650 to 1660", years(1650, 1660)),
    ("1660-1650", None),  # runs backwards: a typing error, not a date
    # circa, documented margin
    ("c. 1650", years(1645, 1655)),
    ("c.1805", years(1800, 1810)),
    ("ca. 1650", years(1645, 1655)),
    ("circa 1650", years(1645, 1655)),
    ("about 1650", years(1645, 1655)),
    ("c.1828–30", years(1823, 1835)),
    ("?c.1759–65", years(1754, 1770)),
    ("c. 1800 - c. 1810", years(1795, 1815)),
    ("1650~", years(1645, 1655)),
    ("1650?", years(1650, 1650)),
    ("?1795", years(1795, 1795)),
    ("1650 (?)", years(1650, 1650)),
    # decades
    ("1890s", years(1890, 1899)),
    ("1890's", years(1890, 1899)),
    ("the 1890s", years(1890, 1899)),
    ("c. 1920s", years(1915, 1934)),
    ("early 1920s", years(1920, 1923)),
    ("1920s–30s", years(1920, 1939)),
    # centuries and their parts
    ("19th century", years(1800, 1899)),
    ("19th-century", years(1800, 1899)),
    ("19th c.", years(1800, 1899)),
    ("nineteenth century", years(1800, 1899)),
    ("early 18th century", years(1700, 1739)),
    # seasons of a year (meteorological, northern hemisphere); "winter" either way
    ("spring 1888", ((1888, 3, 1), (1888, 5, 31))),
    ("Summer of 1888", ((1888, 6, 1), (1888, 8, 31))),
    ("fall 1888", ((1888, 9, 1), (1888, 11, 30))),
    ("winter 1888", ((1888, 1, 1), (1889, 2, 28))),
    ("Frühjahr 1888", ((1888, 3, 1), (1888, 5, 31))),
    ("Herbst 1888", ((1888, 9, 1), (1888, 11, 30))),
    ("été 1888", ((1888, 6, 1), (1888, 8, 31))),
    ("hiver 1888", ((1888, 1, 1), (1889, 2, 28))),
    ("الربيع 1888", ((1888, 3, 1), (1888, 5, 31))),
    ("summer 1888 - autumn 1889", ((1888, 6, 1), (1889, 11, 30))),
    ("spring 19th century", None),  # only years have seasons
    ("mid-19th century", years(1830, 1869)),
    ("late 18th century", years(1760, 1799)),
    ("first half of the 17th century", years(1600, 1649)),
    ("second half of the 19th century", years(1850, 1899)),
    ("third quarter of the 18th century", years(1750, 1774)),
    ("17th-19th century", years(1600, 1899)),
    ("late 18th-early 19th century", years(1760, 1839)),
    ("c. late 19th-early 20th century", years(1850, 1949)),
    ("16th or 17th century", years(1500, 1699)),
    ("1st century AD", years(1, 99)),
    # BCE/BC and CE/AD: astronomical years (1 BCE is year 0)
    ("44 BC", years(-43, -43)),
    ("200 BCE", years(-199, -199)),
    ("1 BC", years(0, 0)),
    ("AD 79", years(79, 79)),
    ("79 CE", years(79, 79)),
    ("202 BCE-220 CE", years(-201, 220)),
    ("500-400 BC", years(-499, -399)),
    ("5th century BCE", years(-499, -400)),
    ("1st century BC", years(-99, 0)),
    ("c. 1000 BCE", years(-1004, -994)),
    # before, after, alternatives, lists
    ("before 1650", (None, (1650, 12, 31))),
    ("by 1650", (None, (1650, 12, 31))),
    ("after 1650", ((1650, 1, 1), None)),
    ("after c.1830", ((1825, 1, 1), None)),
    ("no earlier than 1906", ((1906, 1, 1), None)),
    ("1650 or later", ((1650, 1, 1), None)),
    ("1650 or 1651", years(1650, 1651)),
    ("1965, 1997", years(1965, 1997)),
    ("published 1818", years(1818, 1818)),
    ("exhibited 1842", (None, (1842, 12, 31))),
    ("c. 1830, exhibited 1832", ((1825, 1, 1), (1832, 12, 31))),
    ("2001, reproduced 2007", years(2001, 2007)),
    ("1933, this version c.1936–7", years(1931, 1942)),
    ("2000, designed 1998", years(1998, 2000)),
    ("Project: 1902-1907; Drawn 1904", years(1902, 1907)),
    ("ca. 1925, printed later", ((1920, 1, 1), None)),
    ("Edo period (1603-1867), 19th century", years(1800, 1867)),
    ("Edo period (1603-1867), c. 1790-1830", years(1785, 1835)),
    ("Han Dynasty, 202 BCE-220 CE", years(-201, 220)),
    # months and days
    ("March 1936", ((1936, 3, 1), (1936, 3, 31))),
    ("12 March 1936", ((1936, 3, 12), (1936, 3, 12))),
    ("March 12, 1936", ((1936, 3, 12), (1936, 3, 12))),
    ("12-16 March 1936", ((1936, 3, 12), (1936, 3, 16))),
    ("September - October 1957", ((1957, 9, 1), (1957, 10, 31))),
    ("12/16/1918", ((1918, 12, 16), (1918, 12, 16))),
    ("16.12.1918", ((1918, 12, 16), (1918, 12, 16))),
    ("05/06/1918", ((1918, 5, 6), (1918, 6, 5))),  # either reading, without a language
    ("31 February 1936", None),
    # German
    ("um 1650", years(1645, 1655)),
    ("ca. 1650/60", years(1645, 1665)),
    ("18. Jh.", years(1700, 1799)),
    ("18. Jahrhundert", years(1700, 1799)),
    ("XIX. Jh.", years(1800, 1899)),
    ("Anfang 19. Jh.", years(1800, 1839)),
    ("Mitte 18. Jh.", years(1730, 1769)),
    ("spätes 18. Jahrhundert", years(1760, 1799)),
    ("1. Hälfte 18. Jh.", years(1700, 1749)),
    ("vor 1650", (None, (1650, 12, 31))),
    ("nach 1650", ((1650, 1, 1), None)),
    ("zwischen 1650 und 1660", years(1650, 1660)),
    ("1650 oder 1651", years(1650, 1651)),
    ("1890er Jahre", years(1890, 1899)),
    ("1650 v. Chr.", years(-1649, -1649)),
    ("5. Jh. v. Chr.", years(-499, -400)),
    ("16. März 1936", ((1936, 3, 16), (1936, 3, 16))),
    # French
    ("vers 1650", years(1645, 1655)),
    ("XIXe siècle", years(1800, 1899)),
    ("XIXe s.", years(1800, 1899)),
    ("19e siècle", years(1800, 1899)),
    ("XVe-XVIe siècle", years(1400, 1599)),
    ("début du XIXe siècle", years(1800, 1839)),
    ("fin du XVIIIe s.", years(1760, 1799)),
    ("première moitié du XVIIe siècle", years(1600, 1649)),
    ("avant 1650", (None, (1650, 12, 31))),
    ("après 1650", ((1650, 1, 1), None)),
    ("entre 1650 et 1660", years(1650, 1660)),
    ("de 1650 à 1660", years(1650, 1660)),
    ("1650 ou 1651", years(1650, 1651)),
    ("années 1890", years(1890, 1899)),
    ("IIe siècle av. J.-C.", years(-199, -100)),
    ("1er mars 1936", ((1936, 3, 1), (1936, 3, 1))),
    ("mi-XIXe siècle", years(1830, 1869)),  # as "milieu du" and "mid-19th century"
    ("mi-XVIIIe s.", years(1730, 1769)),
    ("XV-XVI siècle", years(1400, 1599)),  # a range of roman centuries without their "e"
    # French catalogues write a Roman century with its ordinal ending and no "siècle"
    ("XIXe", years(1800, 1899)),
    ("XVIIIème", years(1700, 1799)),
    ("fin XIXe", years(1860, 1899)),
    ("fin du XIXe", years(1860, 1899)),
    ("début XXe", years(1900, 1939)),
    ("milieu XVIIIe", years(1730, 1769)),
    ("2e moitié XIXe", years(1850, 1899)),
    ("1er quart XXe", years(1900, 1924)),
    ("XVIIIe-XIXe", years(1700, 1899)),
    ("fin XIXe - début XXe", years(1860, 1939)),
    ("IIe av. J.-C.", years(-199, -100)),
    ("XXIIe", None),  # no Roman century after the 21st
    # as a registrar types them: "s" without its point, "environ" after the year
    ("XIXe s", years(1800, 1899)),
    ("fin XIXe s", years(1860, 1899)),
    ("1890 env.", years(1885, 1895)),
    ("1890 environ", years(1885, 1895)),
    ("Cie", None),  # "compagnie", not the 101st century
    # Azerbaijani: the part after its century, ordinal suffixes, "illər" after a decade
    ("XIX əsr", years(1800, 1899)),
    ("19-cu əsr", years(1800, 1899)),
    ("XIX əsrin əvvəli", years(1800, 1839)),
    ("XIX əsrin ortası", years(1830, 1869)),
    ("XIX əsrin sonu", years(1860, 1899)),
    ("XIX əsrin ikinci yarısı", years(1850, 1899)),
    ("XVIII-XIX əsrlər", years(1700, 1899)),
    ("1890-cı il", years(1890, 1890)),
    ("1890-ci il", years(1890, 1890)),
    ("1890-cu il", years(1890, 1890)),
    ("1890-cü il", years(1890, 1890)),
    ("1890-cı ildə", years(1890, 1890)),
    ("təxminən 1890-cı il", years(1885, 1895)),
    ("1920-ci illər", years(1920, 1929)),
    ("1920-ci illərin sonu", years(1926, 1929)),
    ("500 e.ə.", years(-499, -499)),
    ("əsrin sonu", None),  # no century to end
    # Russian
    ("XIX век", years(1800, 1899)),
    ("XIX в.", years(1800, 1899)),
    ("19 век", years(1800, 1899)),
    ("XVIII–XIX вв.", years(1700, 1899)),
    ("конец XIX века", years(1860, 1899)),
    ("первая половина XIX века", years(1800, 1849)),
    ("1920-е", years(1920, 1929)),
    ("1920-е годы", years(1920, 1929)),
    ("1920-х годов", years(1920, 1929)),
    ("около 1890 г.", years(1885, 1895)),
    ("в 1890 году", years(1890, 1890)),
    ("до 1890", (None, (1890, 12, 31))),
    ("500 до н. э.", years(-499, -499)),
    ("1925-е", None),  # not a decade
    # Hijri years (arithmetic calendar), with or without a Gregorian equivalent
    ("1200 AH", ((1785, 11, 4), (1786, 10, 23))),
    ("AH 1200", ((1785, 11, 4), (1786, 10, 23))),
    ("1200 H.", ((1785, 11, 4), (1786, 10, 23))),
    ("1199–1200 AH", ((1784, 11, 14), (1786, 10, 23))),
    ("AH 1200/1785", ((1785, 11, 4), (1786, 10, 23))),
    ("13th century AH", ((1785, 11, 4), (1882, 11, 11))),
    # Arabic: the century before its number, Hijri and Gregorian eras, Arabic-Indic digits
    ("1200 هـ", ((1785, 11, 4), (1786, 10, 23))),
    ("القرن 19", years(1800, 1899)),
    ("القرن التاسع عشر", years(1800, 1899)),
    ("أواخر القرن 19", years(1860, 1899)),
    ("القرن الثالث عشر الهجري", ((1785, 11, 4), (1882, 11, 11))),
    ("حوالي ١٨٩٠", years(1885, 1895)),
    ("بين 1890 و 1895", years(1890, 1895)),
    ("1890 م", years(1890, 1890)),
    ("300 ق.م", years(-299, -299)),
    ("century 19", years(1800, 1899)),
    # not dates
    ("", None),
    ("foo bar", None),
    ("Ming dynasty", None),
    ("12", None),
    ("17th", None),
]

UNDATED = [
    "date not known",
    "no date",
    "not dated",
    "undated",
    "n.d.",
    "unknown",
    "o. J.",
    "ohne Jahr",
    "undatiert",
    "s.d.",
    "sans date",
    "غير مؤرخ",
    "بدون تاريخ",
    "tarixsiz",
    "без даты",
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t or "empty" for t, _ in TABLE])
def test_date_texts(text: str, expected: tuple[Y | None, Y | None] | None) -> None:
    assert span(text) == expected


@pytest.mark.parametrize("text", UNDATED)
def test_texts_that_say_there_is_no_date(text: str) -> None:
    parsed = parse_date_text(text)
    assert parsed is not None
    assert parsed.undated
    assert parsed.bounds is None
    assert parsed.recognised == ("undated",)


def test_what_was_recognised_is_named() -> None:
    parsed = parse_date_text("c.1828–30")
    assert parsed is not None
    assert set(parsed.recognised) == {"circa", "range", "year"}
    hijri = parse_date_text("1200 AH")
    assert hijri is not None
    assert "hijri" in hijri.recognised


def test_instants_are_xsd_datetimes() -> None:
    parsed = parse_date_text("44 BC")
    assert parsed is not None
    assert parsed.bounds == ("-0043-01-01T00:00:00Z", "-0043-12-31T23:59:59Z")
    before = parse_date_text("before 1650")
    assert before is not None
    assert (before.begin_instant, before.end_instant) == (None, "1650-12-31T23:59:59Z")
    assert before.bounds is None


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", ((1918, 6, 5), (1918, 6, 5))),
        ("en-GB", ((1918, 6, 5), (1918, 6, 5))),
        ("fr", ((1918, 6, 5), (1918, 6, 5))),
        ("en-US", ((1918, 5, 6), (1918, 5, 6))),
        ("ar", ((1918, 6, 5), (1918, 6, 5))),  # these three were the span of both readings
        ("az", ((1918, 6, 5), (1918, 6, 5))),
        ("ru", ((1918, 6, 5), (1918, 6, 5))),
        (None, ((1918, 5, 6), (1918, 6, 5))),
    ],
)
def test_the_language_settles_day_and_month(language: str | None, expected: object) -> None:
    assert span("05/06/1918", language) == expected


def test_a_parsed_date_never_runs_backwards() -> None:
    with pytest.raises(ValueError, match="after end"):
        ParsedDate("x", (1700, 1, 1), (1600, 1, 1), ())


def test_bounds_and_format_instant_keep_their_contract() -> None:
    assert bounds(1650) == ("1650-01-01T00:00:00Z", "1650-12-31T23:59:59Z")
    assert bounds("1915-01-01", "january-1") == ("1915-01-01T00:00:00Z", "1915-12-31T23:59:59Z")
    assert bounds("1650-02") == ("1650-02-01T00:00:00Z", "1650-02-28T23:59:59Z")
    assert bounds("-0043-03-15") == ("-0043-03-15T00:00:00Z", "-0043-03-15T23:59:59Z")
    assert bounds("c. 1650") is None  # texts are parse_date_text's
    assert bounds(True) is None
    assert format_instant(0, 1, 1) == "0000-01-01T00:00:00Z"
    assert format_instant(-43, 3, 15, end=True) == "-0043-03-15T23:59:59Z"
    assert format_instant(12000, 1, 1) == "12000-01-01T00:00:00Z"


# -- properties ------------------------------------------------------------------------------
PIECES = [
    "c.", "ca.", "circa", "um", "vers", "before", "after", "vor", "nach", "avant", "early",
    "mid-", "late", "Mitte", "fin du", "first half of the", "19th", "XIXe", "18.", "century",
    "Jh.", "siècle", "1650", "1620", "25", "60", "1890s", "AH", "BC", "BCE", "AD", "v. Chr.",
    "or", "oder", "and", "between", "–", "-", "/", ",", "?", "(", ")", "March", "12", "1200",
    "published", "exhibited", "later", "date not known", "period", "Edo", "~", "..", "0",
]  # fmt: skip


@untimed
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8), st.sampled_from(["", " "]))
@example(["c.", "1650", "–", "25"], "")
def test_begin_is_never_after_end(pieces: list[str], glue: str) -> None:
    parsed = parse_date_text((glue or " ").join(pieces))
    if parsed is not None and parsed.begin is not None and parsed.end is not None:
        assert parsed.begin <= parsed.end


@untimed
@given(st.text(max_size=60))
def test_any_text_parses_or_is_refused_without_error(text: str) -> None:
    parsed = parse_date_text(text)
    if parsed is not None and parsed.begin is not None and parsed.end is not None:
        assert parsed.begin <= parsed.end


@untimed
@given(
    st.integers(min_value=100, max_value=2100),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["-", "–", " - ", " to ", " bis ", " à "]),
)
def test_a_year_range_contains_its_years(first: int, length: int, separator: str) -> None:
    last = first + length
    parsed = parse_date_text(f"{first}{separator}{last}")
    assert parsed is not None
    assert parsed.begin == (first, 1, 1)
    assert parsed.end == (last, 12, 31)


@untimed
@given(st.integers(min_value=1000, max_value=2099), st.integers(min_value=1, max_value=9))
def test_an_abbreviated_range_contains_its_years(first: int, add: int) -> None:
    last = first + add
    digits = 1 if last // 10 == first // 10 else 2
    short = str(last)[-digits:]
    parsed = parse_date_text(f"{first}–{short}")
    assert parsed is not None
    assert parsed.begin is not None
    assert parsed.end is not None
    assert parsed.begin[0] <= first
    assert parsed.end[0] >= last


@untimed
@given(st.integers(min_value=100, max_value=2100), st.sampled_from(["c.", "ca.", "um", "vers"]))
def test_circa_contains_its_year_and_the_margin(year: int, circa: str) -> None:
    parsed = parse_date_text(f"{circa} {year}")
    assert parsed is not None
    assert parsed.bounds is not None
    assert parsed.begin == (year - CIRCA_YEARS, 1, 1)
    assert parsed.end == (year + CIRCA_YEARS, 12, 31)


@untimed
@given(st.integers(min_value=1, max_value=5000))
def test_bce_years_are_astronomical(year: int) -> None:
    parsed = parse_date_text(f"{year} BCE")
    assert parsed is not None
    assert parsed.begin == (1 - year, 1, 1)


@untimed
@given(st.integers(min_value=1, max_value=21), st.sampled_from(["early", "mid-", "late"]))
def test_a_part_of_a_century_lies_inside_it(century: int, part: str) -> None:
    whole = parse_date_text(f"{century}th century")
    piece = parse_date_text(f"{part} {century}th century")
    assert whole is not None
    assert piece is not None
    assert whole.begin is not None
    assert whole.end is not None
    assert piece.begin is not None
    assert piece.end is not None
    assert whole.begin <= piece.begin <= piece.end <= whole.end


@untimed
@given(st.integers(min_value=1, max_value=1500))
def test_a_hijri_year_is_about_354_days(year: int) -> None:
    parsed = parse_date_text(f"{year} AH")
    assert parsed is not None
    assert parsed.begin is not None
    assert parsed.end is not None
    from datetime import date

    days = (date(*parsed.end) - date(*parsed.begin)).days + 1
    assert days in (354, 355)
