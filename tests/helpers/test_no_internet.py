"""The guard of ``tests.helpers.no_internet``: a test that reaches beyond this machine fails,
even when the code under test catches the refusal; loopback stays open.

The guarded tests run in a pytest of their own (pytester, in a subprocess), so that their
failures are this test's evidence rather than this run's failures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.no_internet import is_local

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]

GUARDED = """
import socket

import requests


def test_a_connection_to_a_remote_address_is_refused_and_fails_the_test():
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=5)
    except OSError:
        pass  # code under test that swallows the error does not hide the attempt


def test_an_http_request_to_a_remote_address_fails_the_test():
    try:
        requests.get("http://192.0.2.1/feed.json", timeout=5)
    except requests.RequestException:
        pass


def test_a_dns_lookup_fails_the_test():
    try:
        socket.getaddrinfo("example.org", 443)
    except OSError:
        pass


def test_ipv6_and_udp_to_remote_hosts_fail_the_test():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        try:
            udp.sendto(b"x", ("198.51.100.7", 53))
        except OSError:
            pass


def test_loopback_is_allowed():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        socket.create_connection(("localhost", port), timeout=5).close()
"""

CONFTEST = """
from tests.helpers import no_internet
from tests.helpers.no_internet import _no_internet, pytest_runtest_protocol


def pytest_configure(config):
    no_internet.install()
"""


def test_tests_that_reach_beyond_this_machine_fail(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_guarded=GUARDED)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, errors=4)  # each of the four fails at its teardown
    output = result.stdout.str()
    assert "the test tried to reach beyond this machine (1 time(s))" in output
    assert "a connection to ('192.0.2.1', 80)" in output
    assert "a DNS lookup of 'example.org'" in output
    assert "('198.51.100.7', 53)" in output
    assert "ERROR test_guarded.py::test_loopback_is_allowed" not in output


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("0.0.0.0", True),
        ("", True),
        ("192.0.2.1", False),
        ("10.0.0.1", False),
        ("::ffff:192.0.2.1", False),
        ("2001:db8::1", False),
        ("example.org", False),
        ("localhost.example.org", False),
    ],
)
def test_what_counts_as_this_machine(host: str, local: bool) -> None:
    assert is_local(host) is local
