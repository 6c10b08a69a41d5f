#!/bin/sh
# The remote-store tests start Virtuoso Open Source 7 (Debian's virtuoso-opensource-7) on
# 127.0.0.1 with a database in a temporary directory, next to `oxigraph serve`.
# Installs it, non-interactively, when it is missing; `make test` runs this first.
# Only the binaries are used: the package's own service is never started by the tests.
set -eu
. "$(dirname "$0")/apt.sh"
if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    exit 0
fi
apt_install Virtuoso "Debian's virtuoso-opensource-7 for the remote-store tests" \
    --no-install-recommends virtuoso-opensource-7
