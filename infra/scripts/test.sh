#!/usr/bin/env bash
# The whole test suite, as CI runs it: install, type-check, then unit and integration tests.
# Integration tests use KAFKA_BROKERS / DATABASE_URL when set, testcontainers where a Docker
# engine runs, and otherwise start the project's own Kafka broker and use the local PostgreSQL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash infra/scripts/install.sh
bash infra/postgres/ensure-running.sh
npm run --silent typecheck
export KAFKAJS_NO_PARTITIONER_WARNING=1
# --forceExit: a test that fails mid-way can leave a kafkajs client reconnecting; CI must still end.
npx jest --ci --forceExit "$@"
