"""Moments Museion recorded (an ISO 8601 instant in UTC, as the checklists keep them) as a
reader of the page's language writes them, with the time zone said.

"2026-12-06T05:31:07.123456+00:00" read, to a curator, as a code: which day, and in which
time zone? The server does not know the reader's zone, so the page says the time in UTC,
and says so: "6 December 2026, 05:31 UTC", "6 décembre 2026 à 05:31 UTC". The machine-
readable instant stays in ``<time datetime>``."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_date, format_time

from .i18n import current, gettext

__all__ = ["day", "moment", "period", "period_pieces"]

_LOCALES = {"en": "en_GB"}
"""English dates day first ("6 December 2026") and times on 24 hours, as the museums the
pages serve write them; other languages as their CLDR locale does."""


def _instant(iso: str) -> datetime | None:
    try:
        found = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return (found if found.tzinfo else found.replace(tzinfo=UTC)).astimezone(UTC)


def moment(iso: str) -> str:
    """An instant as "6 December 2026, 05:31 UTC" in the language being rendered; a text
    that is no instant as it is."""
    found = _instant(iso)
    if found is None:
        return iso
    locale = _LOCALES.get(current(), current())
    return gettext(
        "{date}, {time} UTC",
        date=format_date(found, "long", locale=locale),
        time=format_time(found, "HH:mm", locale=locale),
    )


def day(iso: str) -> str:
    """The day (in UTC) of an instant, as "6 December 2026" is written in the language being
    rendered; a text that is no instant as it is."""
    found = _instant(iso)
    if found is None:
        return iso
    return format_date(found, "long", locale=_LOCALES.get(current(), current()))


def period(start: str, end: str | None) -> str:
    """From one instant to another as "6 December 2026, 05:31–05:34 UTC" (the day once when
    both are on it), else both moments; "…" for an end still to come. A text that is no
    instant is left as it is."""
    return " – ".join(period_pieces(start, end))


def period_pieces(start: str, end: str | None) -> tuple[str, ...]:
    """``period`` in the pieces a line may break between: one when the run was on one day,
    its start and its end when it crossed midnight (each piece is kept whole; together, in
    Arabic, they were 542 px wide on a 390 px phone)."""
    first, last = _instant(start), _instant(end or "")
    if first is None:
        return (start, end or "…")
    if last is None:
        return (moment(start), end or "…")
    locale = _LOCALES.get(current(), current())
    if first.date() != last.date():
        return (moment(start), moment(last.isoformat()))
    if (first.hour, first.minute) == (last.hour, last.minute):
        return (moment(start),)  # a run of seconds: "6 December 2026, 05:31 UTC"
    return (
        gettext(
            "{date}, {start}–{end} UTC",
            date=format_date(first, "long", locale=locale),
            start=format_time(first, "HH:mm", locale=locale),
            end=format_time(last, "HH:mm", locale=locale),
        ),
    )
