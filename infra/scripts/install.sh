#!/usr/bin/env bash
# Installs the npm dependencies from the lockfile when they are missing or older than it, then builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "npm: installing dependencies from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund
fi
npm run --silent build
