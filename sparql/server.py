"""Running the endpoint: uvicorn, with one or more HTTP worker processes.

Each HTTP worker (``workers``) builds the app from settings passed as JSON in the environment
and starts its own query processes; uvicorn writes the access log (one line a request) and
restarts a worker that dies.
"""

from __future__ import annotations

import logging
import os

import uvicorn

from .settings import SETTINGS_ENV, EndpointSettings

__all__ = ["serve"]


def serve(
    settings: EndpointSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    access_log: bool = True,
    log_level: str = "info",
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    os.environ[SETTINGS_ENV] = settings.to_env()
    logging.getLogger("museion.endpoint").setLevel(log_level.upper())
    uvicorn.run(
        "sparql.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level=log_level,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
