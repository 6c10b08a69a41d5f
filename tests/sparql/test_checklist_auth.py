"""Who may write checklists: public servers, tokens, cookies and cross-site forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.requests import Request

from museion.serving import is_public_host
from sparql import EndpointSettings
from sparql.checklists.auth import COOKIE, ForbiddenError, cookie_value, may_write

TOKEN = "curator-token-0123456789abcdef"


def _request(*headers: tuple[str, str]) -> Request:
    return Request(
        {
            "type": "http",
            "method": "POST",
            "scheme": "http",
            "server": ("127.0.0.1", 8000),
            "path": "/checklists/",
            "query_string": b"",
            "headers": [(b"host", b"127.0.0.1:8000")]
            + [(k.lower().encode(), v.encode()) for k, v in headers],
        }
    )


def _settings(tmp_path: Path, **values: object) -> EndpointSettings:
    return EndpointSettings(base_iri="https://data.example.org/", published_dir=tmp_path, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
        ("127.0.0.2", False),
        ("0.0.0.0", True),
        ("::", True),
        ("192.0.2.10", True),
        ("museum.example.org", True),
    ],
)
def test_public_means_listening_beyond_loopback(host: str, public: bool) -> None:
    assert is_public_host(host) is public


def test_a_public_server_without_a_curator_token_is_read_only(tmp_path: Path) -> None:
    with pytest.raises(ForbiddenError, match="public and has no curator token"):
        may_write(_request(), _settings(tmp_path, public=True))
    may_write(_request(), _settings(tmp_path, public=False))  # loopback, no token: allowed


def test_token_or_cookie_authorises_when_a_token_is_configured(tmp_path: Path) -> None:
    settings = _settings(tmp_path, curator_token=TOKEN)
    with pytest.raises(ForbiddenError, match="needs the curator token"):
        may_write(_request(), settings)
    with pytest.raises(ForbiddenError):
        may_write(_request(("Authorization", "Bearer " + TOKEN[:-1])), settings)
    with pytest.raises(ForbiddenError):
        may_write(_request(("Cookie", f"{COOKIE}={TOKEN}")), settings)  # the raw token is no cookie
    may_write(_request(("Authorization", f"Bearer {TOKEN}")), settings)
    may_write(_request(("Cookie", f"{COOKIE}={cookie_value(TOKEN)}")), settings)


def test_cross_site_writes_are_refused_even_with_the_cookie(tmp_path: Path) -> None:
    settings = _settings(tmp_path, curator_token=TOKEN)
    cookie = ("Cookie", f"{COOKIE}={cookie_value(TOKEN)}")
    for header in (
        ("Origin", "https://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
    ):
        with pytest.raises(ForbiddenError):
            may_write(_request(cookie, header), settings)
    may_write(_request(cookie, ("Origin", "http://127.0.0.1:8000")), settings)
