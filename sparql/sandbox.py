"""Defence in depth for query processes that need no network: a network namespace of their own.

With an empty ``service_allowlist`` a query process has no reason to open a socket: its jobs
arrive over a pipe it inherited, and answers leave through that pipe or a spool file. So at
start, before it opens a store or starts a thread, it moves into a new user and network
namespace (``unshare(CLONE_NEWUSER | CLONE_NEWNET)``), where the only interface is a loopback
that is down: even a SERVICE clause that got past the parse check could reach no host, the
server's own 127.0.0.1 included. Kernels or containers that forbid unprivileged user
namespaces refuse the call; the process then runs as before and says so in the log.
"""

from __future__ import annotations

import ctypes
import logging
import os

__all__ = ["isolate_network"]

log = logging.getLogger("museion.endpoint")

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move this (single-threaded) process into a namespace with no network; whether it did."""
    uid, gid = os.geteuid(), os.getegid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            errno = ctypes.get_errno()
            log.warning(
                "query process: no network namespace (unshare: %s); SERVICE is kept to the "
                "allow-list by the query check alone",
                os.strerror(errno),
            )
            return False
    except (OSError, AttributeError) as exc:
        log.warning("query process: no network namespace (%s)", exc)
        return False
    # Map our own ids, so files keep showing their owner (access is unchanged either way).
    try:
        with open("/proc/self/setgroups", "w") as out:
            out.write("deny")
        with open("/proc/self/uid_map", "w") as out:
            out.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as out:
            out.write(f"{gid} {gid} 1")
    except OSError as exc:
        log.debug("query process: ids not mapped in the new namespace: %s", exc)
    return True
