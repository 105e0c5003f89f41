#!/usr/bin/env bash
# The demo: installs what is missing, starts Kafka (if none runs), prepares a fresh demo database,
# starts the four services, drives realistic cases through their HTTP APIs, waits for the
# projection, prints the statistics, and stops what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$(pwd)"

bash infra/scripts/install.sh

export DATABASE_URL="${DEMO_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hatecrime_demo}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export KAFKA_TOPIC_PREFIX="demo-$(date +%Y%m%d%H%M%S)."
export KAFKAJS_NO_PARTITIONER_WARNING=1
# The demo drives its cases in parallel and polls every 100 ms with one key per service: well past
# the production default of 1200 requests a minute per key (docs/security.md), so higher here.
export RATE_LIMIT_REQUESTS="${RATE_LIMIT_REQUESTS:-1000000}"
export RATE_LIMIT_BULK_REQUESTS="${RATE_LIMIT_BULK_REQUESTS:-1000000}"
export RATE_LIMIT_VERIFICATION_REQUESTS="${RATE_LIMIT_VERIFICATION_REQUESTS:-1000000}"
LOGS="$ROOT/.demo/logs"; mkdir -p "$LOGS"
PIDS=()
STARTED_KAFKA=0

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  node dist/infra/scripts/delete-topics.js >/dev/null 2>&1 || true
  if [[ "$STARTED_KAFKA" == 1 ]]; then bash infra/kafka/stop.sh || true; fi
  if [[ $status -ne 0 ]]; then echo "demo failed; service logs are in $LOGS" >&2; fi
  exit $status
}
trap cleanup EXIT INT TERM

for port in 3001 3002 3003 3004; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use; stop what runs there (an earlier demo?) and try again" >&2
    exit 1
  fi
done

bash infra/postgres/ensure-running.sh
PIDFILE="infra/kafka/.state/kafka.pid"
had_pid=0; [[ -f "$PIDFILE" ]] && had_pid=1
bash infra/kafka/start.sh
if [[ "$had_pid" == 0 && -f "$PIDFILE" ]]; then STARTED_KAFKA=1; fi

# Each service connects as its own role, owning its own schema (docs/security.md).
eval "$(node dist/infra/scripts/db-setup.js --fresh --roles --export-urls)"
for service in police cps courts projection; do
  flags=()
  # The projection allocates a short-lived object per event: a larger young generation halves its GC time.
  if [[ "$service" == projection ]]; then flags=(--max-semi-space-size=64); fi
  node "${flags[@]}" "dist/services/$service/src/main.js" >"$LOGS/$service.log" 2>&1 &
  PIDS+=($!)
done
echo "services starting (logs in $LOGS)"
node dist/infra/scripts/demo.js
