#!/bin/sh
# axe-core (npm) for the browser tests' accessibility checks, installed from the lockfile in
# tests/browser/. Installs Debian's nodejs and npm when they are missing, non-interactively.
set -eu
. "$(dirname "$0")/apt.sh"
cd "$(dirname "$0")/../tests/browser"
if [ -f node_modules/axe-core/axe.min.js ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    apt_install npm "Debian's nodejs and npm for axe-core" nodejs npm
fi
npm ci --no-audit --no-fund --loglevel=error
