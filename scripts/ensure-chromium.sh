#!/bin/sh
# The browser tests drive Debian's chromium (never a browser a test tool downloads).
# Installs it, non-interactively, when it is missing; `make test` runs this first.
set -eu
. "$(dirname "$0")/apt.sh"
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
apt_install chromium "Debian's chromium for the browser tests" \
    chromium chromium-driver fonts-dejavu-core
