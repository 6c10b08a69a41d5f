#!/bin/sh
# Rebuilds sparql/static/yasgui/ from the npm package pinned in package-lock.json.
# Run it after changing the version in package.json; commit the copied files.
# Needs node and npm (the npm registry); nothing is fetched at run time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target="$here/../../sparql/static/yasgui"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund
mkdir -p "$target"
cp node_modules/@zazuko/yasgui/build/yasgui.min.js "$target/"
cp node_modules/@zazuko/yasgui/build/yasgui.min.css "$target/"
version=$(node -p "require('./node_modules/@zazuko/yasgui/package.json').version")
sed -i "s/^Version: .*/Version: $version/" "$target/README.md"
echo "copied @zazuko/yasgui $version into $target"
