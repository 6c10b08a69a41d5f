#!/bin/sh
# The browser tests drive Debian's chromium (never a browser a test tool downloads).
# Installs it, non-interactively, when it is missing; `make test` runs this first.
set -eu
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    run=""
elif command -v sudo >/dev/null 2>&1; then
    run="sudo"
else
    echo "chromium is missing and this user cannot install it: apt-get install chromium chromium-driver" >&2
    exit 1
fi
echo "installing Debian's chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq
$run apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null
