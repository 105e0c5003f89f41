#!/usr/bin/env bash
# The whole test suite, as CI runs it: install, type-check, then unit and integration tests.
# Integration tests use KAFKA_BROKERS / DATABASE_URL when set, testcontainers where a Docker
# engine runs, and otherwise start the project's own Kafka broker and use the local PostgreSQL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash infra/scripts/install.sh
bash infra/postgres/ensure-running.sh
npm run --silent typecheck
# The browser tests (test/dashboard.e2e-spec.ts) drive Debian's Chromium with playwright-core.
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  install_chromium=(apt-get update '&&' DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)
  if ! command -v apt-get >/dev/null; then
    echo "test: no Chromium at $CHROMIUM and no apt-get to install it: install Chromium and set CHROMIUM_PATH, or the browser tests fail" >&2
  elif [[ "$(id -u)" -eq 0 ]]; then
    echo "test: installing Debian's Chromium for the browser tests"
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "test: installing Debian's Chromium for the browser tests (sudo)"
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  else
    echo "test: no Chromium at $CHROMIUM, and installing it needs root: run as root, or ${install_chromium[*]}; the browser tests fail without it" >&2
  fi
fi
export KAFKAJS_NO_PARTITIONER_WARNING=1
# --forceExit: a test that fails mid-way can leave a kafkajs client reconnecting; CI must still end.
npx jest --ci --forceExit "$@"
