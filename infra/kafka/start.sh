#!/usr/bin/env bash
# Start a single-node KRaft Kafka 3.9 broker (broker+controller) on 127.0.0.1 for dev/tests.
# No-op if a Kafka broker already answers on 127.0.0.1:$KAFKA_PORT.
#   env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_STATE_DIR (infra/kafka/.state),
#        KAFKA_START_TIMEOUT (60 s), KAFKA_SECURITY (plaintext | sasl), KAFKA_SCRAM_USERS (with sasl)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
STATE="${KAFKA_STATE_DIR:-$HERE/.state}"
mkdir -p "$STATE" && STATE="$(cd "$STATE" && pwd)"
LIB="$HERE/.lib"
TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
PROPS="$STATE/server.properties"

# Sends a Kafka ApiVersions v0 request (correlation id 7, client id "probe") with bash's
# /dev/tcp and checks the reply echoes the correlation id. Much faster than a JVM tool, and
# it needs no jars. A starting KRaft broker only processes requests once it has caught up.
kafka_answers() {
  local reply
  reply="$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x07\x00\x05probe" >&3
    head -c 8 <&3 | od -An -tx1 | tr -d " \n"' _ "$1" 2>/dev/null)" || return 1
  [[ "$reply" == 0000????00000007 ]]  # 4-byte length, then our correlation id
}

port_open() { timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

if kafka_answers "$KAFKA_PORT"; then
  echo "kafka: a broker already answers on 127.0.0.1:$KAFKA_PORT; nothing to do"
  exit 0
fi
for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  if port_open "$p"; then
    echo "kafka: 127.0.0.1:$p is taken by something that is not a Kafka broker (or is still starting)" >&2
    exit 1
  fi
done

# Jars from Maven Central; refetched whenever pom.xml changes.
POM_SUM="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
if [[ "$(cat "$LIB/.complete" 2>/dev/null)" != "$POM_SUM" ]]; then
  echo "kafka: fetching jars into $LIB (Maven) ..."
  rm -rf "$LIB"
  mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB" \
    > "$STATE/mvn.log" 2>&1 || { cat "$STATE/mvn.log" >&2; exit 1; }
  echo "$POM_SUM" > "$LIB/.complete"
fi

JAVA=(java -cp "$LIB/*" -Djava.awt.headless=true)
TOOL=("${JAVA[@]}" -Xmx256m -Dlog4j.configuration="file:$HERE/tools-log4j.properties")

# KAFKA_SECURITY=sasl: SASL/SCRAM-SHA-512 listener with ACLs, one principal per service. The users
# and passwords (KAFKA_SCRAM_USERS, user:password pairs) are written into the storage at format
# time; the defaults are for a developer's machine only.
SECURITY="${KAFKA_SECURITY:-plaintext}"
TEMPLATE="$HERE/server.properties.template"
SCRAM_ARGS=()
ADMIN_PASSWORD=""
if [[ "$SECURITY" == sasl ]]; then
  TEMPLATE="$HERE/server-sasl.properties.template"
  USERS="${KAFKA_SCRAM_USERS:-admin:admin-secret,police:police-secret,cps:cps-secret,courts:courts-secret,projection:projection-secret}"
  IFS=',' read -ra PAIRS <<< "$USERS"
  for pair in "${PAIRS[@]}"; do
    SCRAM_ARGS+=(--add-scram "SCRAM-SHA-512=[name=${pair%%:*},password=${pair#*:}]")
    [[ "${pair%%:*}" == admin ]] && ADMIN_PASSWORD="${pair#*:}"
  done
  [[ -n "$ADMIN_PASSWORD" ]] || { echo "kafka: KAFKA_SCRAM_USERS must include admin:<password>" >&2; exit 1; }
elif [[ "$SECURITY" != plaintext ]]; then
  echo "kafka: KAFKA_SECURITY must be plaintext or sasl, not $SECURITY" >&2; exit 1
fi

sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@KAFKA_DATA_DIR@|$STATE/data|g" \
    -e "s|@KAFKA_ADMIN_PASSWORD@|$ADMIN_PASSWORD|g" \
    "$TEMPLATE" > "$PROPS"

if [[ ! -s "$STATE/cluster.id" ]]; then
  "${TOOL[@]}" kafka.tools.StorageTool random-uuid > "$STATE/cluster.id.tmp"
  mv "$STATE/cluster.id.tmp" "$STATE/cluster.id"
fi
if [[ ! -f "$STATE/data/meta.properties" ]]; then
  "${TOOL[@]}" kafka.tools.StorageTool format --ignore-formatted \
    -t "$(cat "$STATE/cluster.id")" -c "$PROPS" "${SCRAM_ARGS[@]}" >/dev/null
fi

mkdir -p "$STATE/logs"
echo "kafka: starting broker on 127.0.0.1:$KAFKA_PORT (logs: $STATE/logs/server.log)"
# setsid: own session, so the broker outlives the caller's shell and terminal.
nohup setsid "${JAVA[@]}" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
  -Dkafka.logs.dir="$STATE/logs" -Dlog4j.configuration="file:$HERE/log4j.properties" \
  kafka.Kafka "$PROPS" > "$STATE/kafka.out" 2>&1 < /dev/null &
PID=$!
echo "$PID" > "$STATE/kafka.pid"

STARTED=$SECONDS
while ((SECONDS - STARTED < TIMEOUT)); do
  if kafka_answers "$KAFKA_PORT"; then
    echo "kafka: ready on 127.0.0.1:$KAFKA_PORT (pid $PID, after $((SECONDS - STARTED)) s)"
    exit 0
  fi
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "kafka: broker exited during startup; last log lines:" >&2
    rm -f "$STATE/kafka.pid"
    break
  fi
  sleep 0.5
done
kill -0 "$PID" 2>/dev/null &&
  echo "kafka: not ready after ${TIMEOUT} s (still running; infra/kafka/stop.sh stops it); last log lines:" >&2
tail -n 30 "$STATE/kafka.out" "$STATE/logs/server.log" >&2 2>/dev/null || true
exit 1
