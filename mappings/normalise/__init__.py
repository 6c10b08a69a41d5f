"""Normalisation: partners' free text made into values that compare across partners.

Pure functions, no I/O, shared by the declarative engine and the code mappings (LIDO):

- dates: ``bounds`` (structured years and ISO dates), ``parse_date_text`` (museum date texts
  in English, German, French, Arabic, Azerbaijani and Russian, BCE and AH) → ``ParsedDate``;
  ``format_instant`` writes an astronomical (XSD 1.1) year, month and day as an
  ``xsd:dateTime``.
- dimensions: ``parse_dimension_statement`` → ``DimensionStatement`` (groups per measured
  part, the object's own group), ``parse_dimensions`` (flat), ``parse_number``; units and exact
  conversions to centimetres or grams (``to_base``/``from_base``).
- folding: ``fold`` (ASCII transliteration, for names across scripts), ``fold_script`` (case,
  diacritics and Arabic spelling variants folded within a script), ``normalise_arabic``,
  ``strip_arabic_article`` (the Arabic article off a folded word, for search).
- text: ``clean_text`` (NFC, whitespace, optional HTML), ``strip_html``; ``language_tag``
  (valid BCP 47 in standard form, or None).
"""

from .dates import (
    CENTURY_PARTS,
    CIRCA_YEARS,
    CIRCA_YEARS_CENTURY,
    Bounds,
    Day,
    ParsedDate,
    bounds,
    day_instant,
    format_instant,
    last_day_of_month,
    parse_date_text,
    year_bounds,
)
from .dimensions import (
    DIMENSION_KINDS,
    DimensionGroup,
    DimensionStatement,
    MeasuredDimension,
    parse_dimension_statement,
    parse_dimensions,
    parse_measured_value,
)
from .figures import parse_number
from .folding import fold, fold_script, normalise_arabic, strip_arabic_article
from .language import language_tag
from .text import clean_text, has_markup, letters_replaced, strip_html
from .units import CENTIMETRES, GRAMS, UNITS, Unit, from_base, to_base, unit_for

__all__ = [
    "CENTIMETRES",
    "CENTURY_PARTS",
    "CIRCA_YEARS",
    "CIRCA_YEARS_CENTURY",
    "DIMENSION_KINDS",
    "GRAMS",
    "UNITS",
    "Bounds",
    "Day",
    "DimensionGroup",
    "DimensionStatement",
    "MeasuredDimension",
    "ParsedDate",
    "Unit",
    "bounds",
    "clean_text",
    "day_instant",
    "fold",
    "fold_script",
    "format_instant",
    "from_base",
    "has_markup",
    "language_tag",
    "last_day_of_month",
    "letters_replaced",
    "normalise_arabic",
    "parse_date_text",
    "parse_dimension_statement",
    "parse_dimensions",
    "parse_measured_value",
    "parse_number",
    "strip_arabic_article",
    "strip_html",
    "to_base",
    "unit_for",
    "year_bounds",
]
