"""The OAI-PMH and SPARQL clients wait and retry as their sources' options say by default.

Their constructors wrote their own 60.0 s / 3 retries / 0.5 s backoff beside the shared
defaults of ``harvesters.base`` (TIMEOUT, MAX_RETRIES): a default changed there would have
left a client built without options waiting as before. They now name the same constants, as
``harvesters.http.make_session`` does for the retries and the backoff.
"""

from __future__ import annotations

import inspect

import pytest
from requests.adapters import HTTPAdapter

from harvesters.base import MAX_RETRIES, TIMEOUT
from harvesters.http import BACKOFF, make_session
from harvesters.oaipmh.client import OaiClient
from harvesters.oaipmh.harvester import OaiOptions
from harvesters.sparql.client import SparqlClient
from harvesters.sparql.harvester import SparqlOptions


@pytest.mark.parametrize("client", [OaiClient, SparqlClient])
def test_a_client_s_defaults_are_the_shared_ones(client: type) -> None:
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(client).parameters.items()
        if name in ("timeout", "max_retries", "backoff")
    }
    assert defaults == {"timeout": TIMEOUT, "max_retries": MAX_RETRIES, "backoff": BACKOFF}


@pytest.mark.parametrize("options", [OaiOptions, SparqlOptions])
def test_a_source_s_defaults_are_its_client_s(options: type) -> None:
    made = options()
    assert (made.timeout, made.max_retries) == (TIMEOUT, MAX_RETRIES)


def test_a_session_retries_as_the_clients_do() -> None:
    parameters = inspect.signature(make_session).parameters
    assert parameters["max_retries"].default == MAX_RETRIES
    assert parameters["backoff"].default == BACKOFF
    adapter = make_session().adapters["https://"]
    assert isinstance(adapter, HTTPAdapter)
    retry = adapter.max_retries
    assert (retry.total, retry.backoff_factor) == (MAX_RETRIES, BACKOFF)
