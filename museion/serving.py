"""``museion serve``: the endpoint's settings from the config, the command line and the env."""

from __future__ import annotations

import ipaddress
import os
from typing import Any

from museion_errors import ConfigError
from sparql import EndpointSettings

from .config import Config
from .workspace import KEEP_SNAPSHOTS, Workspace

__all__ = ["ADMIN_TOKEN_ENV", "CURATOR_TOKEN_ENV", "endpoint_settings", "is_public_host"]

ADMIN_TOKEN_ENV = "MUSEION_ADMIN_TOKEN"
CURATOR_TOKEN_ENV = "MUSEION_CURATOR_TOKEN"


def is_public_host(host: str) -> bool:
    """Whether listening on ``host`` lets other machines connect: anything but loopback."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a host name: it may resolve to anything


def endpoint_settings(config: Config, **overrides: Any) -> EndpointSettings:
    """Settings for the endpoint over ``config``'s published snapshots; ``overrides`` (from
    the command line) win over ``[endpoint]``, and ``MUSEION_ADMIN_TOKEN`` over the file."""
    section = config.endpoint
    values: dict[str, Any] = {
        "query_timeout": section.query_timeout,
        "update_timeout": section.update_timeout,
        "max_rows": section.max_rows,
        "max_query_bytes": section.max_query_bytes,
        "admin_token": os.environ.get(ADMIN_TOKEN_ENV) or section.admin_token,
        "service_allowlist": tuple(section.service_allowlist),
        "curator_token": os.environ.get(CURATOR_TOKEN_ENV) or config.workspace.token,
    }
    if section.query_processes is not None:
        values["query_processes"] = section.query_processes
    values.update({k: v for k, v in overrides.items() if v is not None})
    if values["curator_token"] and values["curator_token"] == values["admin_token"]:
        raise ConfigError(
            "the curator token must differ from the admin token (a curator may write "
            "checklists, not the data)",
            file=str(config.path),
            key="workspace.token",
        )
    workspace = Workspace(config.data_dir)
    return EndpointSettings(
        base_iri=config.base_iri,
        published_dir=workspace.published_dir,
        working_path=workspace.working_path,
        reports_dir=workspace.reports_dir,
        checklists_path=workspace.checklists_path,
        keep_snapshots=KEEP_SNAPSHOTS,
        remote=config.remote,
        **values,
    )
