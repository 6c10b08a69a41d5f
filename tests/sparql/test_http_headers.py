"""How the endpoint reads ``Accept`` profiles, ``Accept-Encoding`` q-values and conditional
request headers (pure functions; the live-server tests cover the wiring)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.datastructures import Headers

from sparql.caching import validators_for
from sparql.compression import gzip_acceptable
from sparql.negotiation import GRAPH_PROFILE, LINKED_ART_PROFILE, preferred_profile

BOTH = (LINKED_ART_PROFILE, GRAPH_PROFILE)
LD = "application/ld+json"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, None),
        (LD, None),
        (f'{LD};profile="{GRAPH_PROFILE}"', GRAPH_PROFILE),
        (f'{LD};profile="{LINKED_ART_PROFILE}"', LINKED_ART_PROFILE),
        (f'{LD};profile="http://example.org/other {GRAPH_PROFILE}"', GRAPH_PROFILE),
        (
            f'{LD};profile="{GRAPH_PROFILE}";q=0.4, {LD};profile="{LINKED_ART_PROFILE}"',
            LINKED_ART_PROFILE,
        ),
        (f'{LD};profile="{GRAPH_PROFILE}";q=0', None),
        (f'text/turtle;profile="{GRAPH_PROFILE}"', None),
    ],
)
def test_preferred_profile(accept: str | None, expected: str | None) -> None:
    assert preferred_profile(accept, LD, BOTH) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ("gzip", True),
        ("GZIP;Q=0.3", True),
        ("deflate, gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("*", True),
        ("*;q=0", False),
        ("*, gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("identity", False),
        ("x-gzip", True),
        ("gzip;q=nonsense", False),
    ],
)
def test_gzip_acceptable(header: str | None, expected: bool) -> None:
    assert gzip_acceptable(header) is expected


def test_conditional_headers(tmp_path: Path) -> None:
    found = validators_for(tmp_path, "20261203T030135815283Z-75b0")
    assert found.modified == datetime(2026, 12, 3, 3, 1, 35, 815283, tzinfo=UTC)
    tag = found.etag("entity ttl")
    assert tag.startswith('W/"20261203T030135815283Z-75b0-')
    assert tag != found.etag("entity html")
    headers = found.headers("entity ttl")
    assert headers["Last-Modified"] == "Thu, 03 Dec 2026 03:01:35 GMT"

    def fresh(answered: bool = True, **sent: str) -> bool:
        return found.not_modified(
            Headers({k.replace("_", "-"): v for k, v in sent.items()}),
            "entity ttl",
            answered=answered,
        )

    assert fresh(if_none_match=tag)
    assert fresh(if_none_match=tag.removeprefix("W/"))  # weak comparison
    assert fresh(if_none_match=f'"other", {tag}')
    assert fresh(if_none_match="*")
    assert not fresh(if_none_match=found.etag("entity html"))
    assert fresh(if_modified_since="Thu, 03 Dec 2026 03:01:35 GMT")
    assert not fresh(if_modified_since="Thu, 03 Dec 2026 03:01:34 GMT")
    assert not fresh(if_modified_since="yesterday")
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
    assert not fresh(if_none_match='"other"', if_modified_since="Thu, 03 Dec 2026 03:01:35 GMT")
    # A date or "*" does not say the representation exists; the tag given with a 200 does
    assert not fresh(False, if_modified_since="Thu, 03 Dec 2026 03:01:35 GMT")
    assert not fresh(False, if_none_match="*")
    assert fresh(False, if_none_match=tag)
