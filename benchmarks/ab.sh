#!/usr/bin/env bash
# Two builds of the sample app side by side in one run: A/B of a change, where figures measured on
# different days of a shared machine cannot be compared.
#
#   bash benchmarks/ab.sh <jar A> <jar B>    # ~7 minutes; needs Redis on 127.0.0.1:6379, wrk, openssl
#
# Both apps start with the limiter on and a quota nobody reaches, each is warmed up (WARMUP, 60s),
# then rounds alternate A, B (ROUNDS, 3, of DURATION, 15s): 1,000 tenants round robin (a Redis
# round trip per request), then one hot tenant by JWT (leases). Printed per round: requests/s and
# the app's and Redis's CPU per request; at the end the sums' ratio B / A. Extra app arguments: ARGS; LOADS=hot
# (or tenants) runs one load only.
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1; B=$2
DURATION=${DURATION:-15s}; WARMUP=${WARMUP:-60s}; ROUNDS=${ROUNDS:-3}; ARGS=${ARGS:-}; LOADS=${LOADS:-tenants hot}
SECRET=sample-secret-change-me-0123456789abcdef
TOKENS=$(mktemp); HOT=$(mktemp); export TOKENS
PIDS=""
trap 'kill $PIDS 2>/dev/null || true; rm -f "$TOKENS" "$HOT"' EXIT
start() { # jar, port
  java -Xms512m -Xmx512m -XX:+UseParallelGC -jar "$1" --server.port="$2" --logging.level.root=WARN \
    --spring.datasource.url="jdbc:h2:mem:ab-$2" --tenantlimit.redis.key-prefix="tl-ab-$$-$2:" \
    --tenantlimit.default-quotas[0].limit=100000 --tenantlimit.default-quotas[0].window=1s $ARGS \
    > "/tmp/tenantlimit-ab-$2.log" 2>&1 &
  PIDS="$PIDS $!"
  for _ in $(seq 1 90); do curl -sf "localhost:$2/actuator/health" >/dev/null && return; sleep 1; done
  echo "the app on port $2 did not start: /tmp/tenantlimit-ab-$2.log" >&2; exit 1
}
start "$A" 18101; PID_A=${PIDS##* }
start "$B" 18102; PID_B=${PIDS##* }
b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
exp=$(( $(date +%s) + 43200 )); header=$(printf '{"alg":"HS256"}' | b64)
for i in $(seq 1 1000); do
  payload=$(printf '{"tenant_id":"bench-%d","exp":%d}' "$i" "$exp" | b64)
  echo "$header.$payload.$(printf '%s' "$header.$payload" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64)" >> "$TOKENS"
done
head -n 1 "$TOKENS" > "$HOT"
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f\n", ($14 + $15) * 1000000 / hz}' "/proc/$1/stat"; }
# Redis's CPU (user + system) in µs: what it takes from the same cores, the command and its I/O
redis_cpu() { redis-cli info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {t += $2} END {printf "%.0f\n", t * 1000000}'; }
run() { # port, pid, tokens file, duration -> "requests/s app-CPU-µs-per-request Redis-CPU-µs-per-request"
  local before redis_before out n
  before=$(cpu "$2"); redis_before=$(redis_cpu)
  out=$(TOKENS=$3 wrk -t2 -c32 -d"$4" -s benchmarks/tenants.lua "http://127.0.0.1:$1/api/ping")
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(( ($(cpu "$2") - before) / n )) $(( ($(redis_cpu) - redis_before) / n ))"
}
run 18101 "$PID_A" "$TOKENS" "$WARMUP" >/dev/null; run 18102 "$PID_B" "$TOKENS" "$WARMUP" >/dev/null
for load in $LOADS; do
  file=$TOKENS; [ "$load" = hot ] && file=$HOT
  echo "### $load: A = $A, B = $B"
  echo
  echo "| round | A requests/s | A app CPU µs/request | A Redis CPU µs/request | B requests/s | B app CPU µs/request | B Redis CPU µs/request |"
  echo "|---|---|---|---|---|---|---|"
  sa=0; sb=0
  for round in $(seq 1 "$ROUNDS"); do
    read -r ra ca xa <<< "$(run 18101 "$PID_A" "$file" "$DURATION")"
    read -r rb cb xb <<< "$(run 18102 "$PID_B" "$file" "$DURATION")"
    echo "| $round | $ra | $ca | $xa | $rb | $cb | $xb |"
    sa=$(echo "$sa + $ra" | bc); sb=$(echo "$sb + $rb" | bc)
  done
  echo
  echo "- B / A: $(echo "scale=3; $sb / $sa" | bc)"
  echo
done
