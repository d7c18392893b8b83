#!/usr/bin/env bash
# Redis's cost of one rate decision, counted in instructions rather than timed: redis-server runs
# under valgrind's callgrind, which counts what Redis's call() executes (the command and every
# command a script or function runs), the same for every run whatever else the machine does.
#
#   bash benchmarks/redis-cost.sh        # ~10 s; needs valgrind and redis-server (7 for FCALL)
#   OLD=<a sliding_window.lua of an earlier version, a plain script> bash benchmarks/redis-cost.sh
#
# Compared, each over the same CALLS decisions of a one-quota sliding log spread over 100 tenants:
# the decision as a function (FCALL, what TenantLimit sends on Redis 7), the same code as a script
# (EVALSHA, Redis 6 or no functions), and an empty script (what any script call costs at least).
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-3000}
PORT=${PORT:-6397}
BODY=autoconfigure/src/main/resources/dev/tenantlimit/redis/sliding_window.lua
LIBRARY=$(mktemp); SCRIPT=$(mktemp); OUT=$(mktemp -d)
trap 'rm -rf "$LIBRARY" "$SCRIPT" "$OUT"' EXIT
# as LuaFunction builds them from the file
{ echo "#!lua name=tenantlimit_bench"; cat "$BODY"; echo; echo "redis.register_function('tenantlimit_decide_bench', decide)"; } > "$LIBRARY"
{ cat "$BODY"; echo; echo "return decide(KEYS, ARGV)"; } > "$SCRIPT"

instructions() { # label, command... -> instructions per call
  local label=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$OUT/$label" --collect-atstart=no --toggle-collect=call \
    redis-server --port "$PORT" --save "" --appendonly no >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
  redis-cli -p "$PORT" -x FUNCTION LOAD REPLACE < "$LIBRARY" >/dev/null
  redis-cli -p "$PORT" SCRIPT LOAD "$(cat "$SCRIPT")" >/dev/null
  redis-cli -p "$PORT" SCRIPT LOAD "return 1" >/dev/null
  [ -n "${OLD:-}" ] && redis-cli -p "$PORT" SCRIPT LOAD "$(cat "$OLD")" >/dev/null
  # loading (and one PING) costs the same in every run: measured alone as `base` and taken off
  redis-benchmark -p "$PORT" -n "$CALLS" -c 1 -r 100 "$@" >/dev/null 2>&1
  redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  wait "$pid" || true
  callgrind_annotate "$OUT/$label" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}
# ARGV: member, deadline 0, 1 permit, no lease, used now; then log, limit, window 60 s, not shadow, -, jitter, cost 1
ARGS=(1 "{t:__rand_int__}:q" "m__rand_int__" 0 1 0 1 1 100000 60000000 0 0 5 1)
# the SHA-1 of the text as SCRIPT LOAD got it ($(...) drops the last newline)
SHA=$(printf '%s' "$(cat "$SCRIPT")" | sha1sum | cut -d' ' -f1)
EMPTY=$(printf '%s' "return 1" | sha1sum | cut -d' ' -f1)
base=$(CALLS=1 instructions base PING)
fcall=$(instructions fcall FCALL tenantlimit_decide_bench "${ARGS[@]}")
evalsha=$(instructions evalsha EVALSHA "$SHA" "${ARGS[@]}")
empty=$(instructions empty EVALSHA "$EMPTY" 0)
per() { echo $(( ($1 - base) / CALLS )); }
echo "### Redis's instructions per decision (callgrind, $CALLS calls, one-quota sliding log)"
echo
echo "| call | instructions per call |"
echo "|---|---|"
echo "| FCALL of the decision function | $(per "$fcall") |"
echo "| EVALSHA of the same code as a script | $(per "$evalsha") |"
echo "| EVALSHA of an empty script | $(per "$empty") |"
if [ -n "${OLD:-}" ]; then
  old=$(instructions old EVALSHA "$(printf '%s' "$(cat "$OLD")" | sha1sum | cut -d' ' -f1)" "${ARGS[@]}")
  echo "| EVALSHA of $OLD | $(per "$old") |"
fi
