#!/usr/bin/env bash
# Makes sure the PostgreSQL server named by DATABASE_URL answers. On a machine like ours the
# Debian cluster runs already; if it is stopped we start it. Elsewhere we only say what is wrong.
set -euo pipefail
URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hatecrime}"
HOSTPORT="${URL#*@}"; HOSTPORT="${HOSTPORT%%/*}"
HOST="${HOSTPORT%%:*}"; PORT="${HOSTPORT##*:}"; [[ "$PORT" == "$HOST" ]] && PORT=5432

if pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null && [[ "$HOST" == "127.0.0.1" || "$HOST" == "localhost" ]]; then
  echo "postgres: not answering on $HOST:$PORT; starting the local cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h "$HOST" -p "$PORT" && exit 0; sleep 1; done
fi
echo "postgres: nothing answers on $HOST:$PORT. Start PostgreSQL (or 'docker compose up -d postgres') or set DATABASE_URL." >&2
exit 1
