"""Text as partners send it, made comparable: NFC, one space between words, no markup.

Right-to-left and non-Latin scripts pass through untouched: nothing here transliterates, folds
case or removes characters other than whitespace, so Arabic, Greek, Chinese or Azerbaijani text
keeps every letter, and the zero-width (non-)joiners and direction marks that Persian and
Arabic text need are kept too (they are not whitespace).
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

__all__ = ["clean_text", "has_markup", "letters_replaced", "strip_html"]

_SPACE = re.compile(r"\s+")
_REPLACED_LETTER = re.compile(r"[^\W\d_]\?+[^\W\d_]")
"""A question mark inside a word: what Excel writes for each letter the encoding it saves a
CSV in cannot hold ("Marsel liman?n?n" for "Marsel limanının" in Windows-1252)."""


def letters_replaced(text: str) -> bool:
    """Whether the program that saved ``text`` replaced letters by question marks (one inside
    a word, ``_REPLACED_LETTER``): the letters are lost, and the text reads wrong."""
    return _REPLACED_LETTER.search(text) is not None


_BREAKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "body",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "html",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "meta",
        "link",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    ]
)
_TAGS = _BREAKS | _HIDDEN | _INLINE
"""HTML elements Museion strips; anything else in angle brackets ("<Untitled>") is text."""
_MARKUP = re.compile(
    r"<\s*/?\s*(?:" + "|".join(sorted(_TAGS, key=len, reverse=True)) + r")(?:\s[^<>]*)?/?\s*>"
    r"|<!--|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});",
    re.IGNORECASE,
)


def clean_text(value: str, *, html_markup: bool = False) -> str:
    """NFC-normalise and collapse whitespace; with ``html_markup``, strip tags and decode
    entities first (only when the text has any, so "a < b" stays as it is)."""
    if html_markup and has_markup(value):
        value = strip_html(value)
    elif value.isascii() and value.isprintable() and "  " not in value:
        # Most texts partners send: printable ASCII is its own NFC form and holds no
        # whitespace but the plain space, so only doubled or outer spaces could change.
        return value.strip(" ")
    text = unicodedata.normalize("NFC", value)
    return _SPACE.sub(" ", text).strip()


def has_markup(value: str) -> bool:
    """Whether a text holds an HTML tag, comment or character reference."""
    return _MARKUP.search(value) is not None


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment. The standard library's parser builds no tree,
    loads nothing and knows no DTD, so no entity can expand beyond HTML's own named ones."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BREAKS:
            self.parts.append(" ")
        elif tag not in _TAGS:
            self.handle_data(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in _BREAKS:
            self.parts.append(" ")
        elif tag not in _TAGS:
            self.handle_data(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")
        elif tag not in _TAGS:
            self.handle_data(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def strip_html(value: str) -> str:
    """The text of an HTML fragment: HTML's tags and comments gone, entities decoded once,
    block elements and ``<br>`` read as spaces, script and style content dropped. Angle
    brackets that are not an HTML element ("<Untitled>") stay as text."""
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    return "".join(parser.parts)
