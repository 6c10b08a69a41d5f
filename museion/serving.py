"""``museion serve``: the endpoint's settings from the config, the command line and the env."""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any

from museion_core.errors import ConfigError
from publish import KEEP_SNAPSHOTS, Workspace
from sparql import EndpointSettings, UploadSource

from .config import MIN_TOKEN, Config
from .console import counted
from .uploads import UPLOAD_KINDS, upload_store, upload_suffixes

__all__ = [
    "ADMIN_TOKEN_ENV",
    "CURATOR_TOKEN_ENV",
    "endpoint_settings",
    "is_public_host",
    "listening_at",
]

ADMIN_TOKEN_ENV = "MUSEION_ADMIN_TOKEN"
CURATOR_TOKEN_ENV = "MUSEION_CURATOR_TOKEN"


def _from_env(variable: str, config: Config, key: str, fallback: str | None) -> str | None:
    """The token ``variable`` holds, else ``fallback`` (the file's). A short one stops the
    server: ``MUSEION_ADMIN_TOKEN=x`` opened SPARQL Update to whoever sent ``Bearer x``,
    where the file's ``admin_token`` must have 16 characters."""
    token = os.environ.get(variable)
    if not token:
        return fallback
    if len(token) < MIN_TOKEN:
        raise ConfigError(
            f"the environment variable {variable} holds {counted(len(token), 'character')}; "
            f"a token needs at least {MIN_TOKEN} (it wins over {key})",
            file=str(config.path),
        )
    return token


def is_public_host(host: str) -> bool:
    """Whether listening on ``host`` lets other machines connect: anything but loopback."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a host name: it may resolve to anything


def listening_at(host: str, port: int) -> tuple[str, str | None]:
    """The URL to print for a server listening on ``host``: the address itself (an IPv6 one
    in brackets), since another one (``localhost`` for ``127.0.0.1``) may not reach it; for
    a wildcard address, which no browser can open, ``localhost`` and a line saying so."""
    address = host.strip("[]")
    if address in ("", "0.0.0.0", "::"):
        shown = address or "0.0.0.0"
        note = (
            f"Listening on every address of this machine ({shown}, port {port}); the URLs "
            "below are for this machine, others use its name or address"
        )
        return f"http://localhost:{port}", note
    return f"http://[{address}]:{port}" if ":" in address else f"http://{address}:{port}", None


def endpoint_settings(config: Config, **overrides: Any) -> EndpointSettings:
    """Settings for the endpoint over ``config``'s published snapshots; ``overrides`` (from
    the command line) win over ``[endpoint]``, and ``MUSEION_ADMIN_TOKEN`` over the file."""
    section = config.endpoint
    values: dict[str, Any] = {
        "query_timeout": section.query_timeout,
        "update_timeout": section.update_timeout,
        "query_memory_mb": section.query_memory_mb,
        "header_timeout": section.header_timeout,
        "max_rows": section.max_rows,
        "max_query_bytes": section.max_query_bytes,
        "admin_token": _from_env(
            ADMIN_TOKEN_ENV, config, "endpoint.admin_token", section.admin_token
        ),
        "service_allowlist": tuple(section.service_allowlist),
        "curator_token": _from_env(
            CURATOR_TOKEN_ENV, config, "workspace.token", config.workspace.token
        ),
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
    uploads = upload_sources(config, values["admin_token"], values["curator_token"])
    return EndpointSettings(
        uploads_dir=upload_store(config.data_dir).root,
        upload_sources=uploads,
        partners={source.name: source.partner.label for source in config.sources},
        upload_command=(  # -P: a "store" or "mappings" folder where the server runs must
            sys.executable,  # not shadow Museion's packages of those names (as -m would let it)
            "-P",
            "-m",
            "museion",
            "--config",
            str(config.path.resolve()),
            "upload",
        ),
        max_upload_bytes=section.max_upload_bytes,
        base_iri=config.base_iri,
        published_dir=workspace.published_dir,
        working_path=workspace.working_path,
        reports_dir=workspace.reports_dir,
        checklists_path=workspace.checklists_path,
        keep_snapshots=KEEP_SNAPSHOTS,
        remote=config.remote,
        **values,
    )


def upload_sources(config: Config, *other_tokens: str | None) -> dict[str, UploadSource]:
    """The sources whose partner may upload files, with its token: each partner's token must
    be its own (one shared by two partners, or equal to the admin or curator token, would open
    more than the partner's own source), and a ``token_env`` must be set."""
    found: dict[str, UploadSource] = {}
    seen = {token for token in other_tokens if token}
    for index, source in enumerate(config.sources, start=1):
        partner = source.partner
        key = f"sources[{index}] ({source.name}).partner"
        token = partner.upload_token()
        if partner.token_env and not token:
            raise ConfigError(
                f"the environment variable {partner.token_env} (token_env) is not set",
                file=str(config.path),
                key=f"{key}.token_env",
            )
        if token is None:
            continue
        if source.kind not in UPLOAD_KINDS:
            raise ConfigError(
                f"a source of kind {source.kind} takes no uploads; only {', '.join(UPLOAD_KINDS)}",
                file=str(config.path),
                key=f"{key}.token",
            )
        if len(token) < MIN_TOKEN:  # (the file's token is held to it when the file is read)
            raise ConfigError(
                f"the environment variable {partner.token_env} holds "
                f"{counted(len(token), 'character')}; an upload token needs at least {MIN_TOKEN}",
                file=str(config.path),
                key=f"{key}.token_env",
            )
        if token in seen:
            raise ConfigError(
                "this upload token is used elsewhere (another partner, the admin or curator "
                "token): give every partner a token of its own",
                file=str(config.path),
                key=f"{key}.token",
            )
        seen.add(token)
        found[source.name] = UploadSource(token=token, suffixes=upload_suffixes(source))
    return found
