#!/bin/sh
# The remote-store tests start Virtuoso Open Source 7 (Debian's virtuoso-opensource-7) on
# 127.0.0.1 with a database in a temporary directory, next to `oxigraph serve`.
# Installs it, non-interactively, when it is missing; `make test` runs this first.
# Only the binaries are used: the package's own service is never started by the tests.
set -eu
if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    run=""
elif command -v sudo >/dev/null 2>&1; then
    run="sudo"
else
    echo "Virtuoso is missing and this user cannot install it: apt-get install virtuoso-opensource-7" >&2
    exit 1
fi
echo "installing Debian's virtuoso-opensource-7 for the remote-store tests" >&2
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq
$run apt-get install -y -qq --no-install-recommends virtuoso-opensource-7 >/dev/null
