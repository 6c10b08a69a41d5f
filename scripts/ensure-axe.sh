#!/bin/sh
# axe-core (npm) for the browser tests' accessibility checks, installed from the lockfile in
# tests/browser/. Installs Debian's nodejs and npm when they are missing, non-interactively.
set -eu
cd "$(dirname "$0")/../tests/browser"
if [ -f node_modules/axe-core/axe.min.js ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        run=""
    elif command -v sudo >/dev/null 2>&1; then
        run="sudo"
    else
        echo "npm is missing and this user cannot install it: apt-get install nodejs npm" >&2
        exit 1
    fi
    echo "installing Debian's nodejs and npm for axe-core" >&2
    export DEBIAN_FRONTEND=noninteractive
    $run apt-get update -qq
    $run apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --loglevel=error
