#!/usr/bin/env bash
# Filter overhead, side by side in one run: the sample app's cheapest endpoint (GET /api/ping) on
# two JVMs with the same flags, one with TenantLimit on and one with it off, loaded in turns by
# wrk on loopback. Prints throughput, latency percentiles and Redis work per decision as Markdown.
#
#   bash benchmarks/run.sh            # ~3 minutes; needs wrk (apt-get install wrk), Redis on 6379
#
# Not part of the build or CI: figures on a shared 2-core machine are noisy, so read the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
ON_PORT=18081
OFF_PORT=18082
PREFIX="tl-bench-$$:"

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
mvn -B -q -ntp -pl sample-app -am package -DskipTests
JAR=$(ls sample-app/target/tenantlimit-sample-app-*.jar | grep -v original | head -n 1)

start() { # port, extra args...
  local port=$1; shift
  java $JAVA_OPTS -jar "$JAR" --server.port="$port" --logging.level.root=WARN \
    --spring.datasource.url="jdbc:h2:mem:bench-$port" --tenantlimit.redis.key-prefix="$PREFIX" "$@" \
    > "/tmp/tenantlimit-bench-$port.log" 2>&1 &
  echo $!
}
ON_PID=$(start $ON_PORT --tenantlimit.default-quotas[0].limit=1000000000 --tenantlimit.default-quotas[0].window=1s \
  --logging.level.dev.tenantlimit.sample=INFO)
OFF_PID=$(start $OFF_PORT --tenantlimit.enabled=false --sample.demo.enabled=false)
trap 'kill $ON_PID $OFF_PID 2>/dev/null || true' EXIT
for port in $ON_PORT $OFF_PORT; do
  for _ in $(seq 1 60); do curl -sf "localhost:$port/actuator/health" >/dev/null && break; sleep 1; done
done
for _ in $(seq 1 30); do grep -q 'Bearer ' "/tmp/tenantlimit-bench-$ON_PORT.log" && break; sleep 1; done
TOKEN=$(grep -o 'Bearer [^ ]*' "/tmp/tenantlimit-bench-$ON_PORT.log" | head -n 1 | cut -d' ' -f2 | tr -d "'")
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "localhost:$ON_PORT/api/ping")" = 200 ]

load() { # port, duration -> wrk output
  wrk -t2 -c"$CONNECTIONS" -d"$2" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$1/api/ping"
}
rps() { awk '/Requests\/sec/ {print $2}'; }
pct() { awk -v p="$1" '$1 == p {print $2}'; }
total() { awk '/requests in/ {print $1}'; }

load $ON_PORT 10s >/dev/null; load $OFF_PORT 10s >/dev/null   # warm-up

echo "| round | side | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
on_sum=0; off_sum=0; on_requests=0
redis-cli config resetstat >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  for side in on off; do
    port=$([ $side = on ] && echo $ON_PORT || echo $OFF_PORT)
    out=$(load "$port" "$DURATION")
    r=$(echo "$out" | rps); p50=$(echo "$out" | pct 50%); p99=$(echo "$out" | pct 99%)
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}'); non2xx=${non2xx:-0}
    echo "| $round | $side | $r | $p50 | $p99 | $non2xx |"
    if [ $side = on ]; then on_sum=$(echo "$on_sum + $r" | bc); on_requests=$((on_requests + $(echo "$out" | total))); \
    else off_sum=$(echo "$off_sum + $r" | bc); fi
  done
done
evalsha=$(redis-cli info commandstats | awk -F'[=,]' '/^cmdstat_evalsha:/ {print $2}')
usec=$(redis-cli info commandstats | awk -F'[=,]' '/^cmdstat_evalsha:/ {print $6}')
eval_calls=$(redis-cli info commandstats | awk -F'[=,]' '/^cmdstat_eval:/ {print $2}')
echo
echo "Throughput with the limiter / without: $(echo "scale=3; $on_sum / $off_sum" | bc)"
echo "EVALSHA per request (limiter on): $(echo "scale=3; $evalsha / $on_requests" | bc) ($evalsha calls, $on_requests requests, EVAL ${eval_calls:-0})"
echo "Redis CPU per decision (EVALSHA usec_per_call): $usec"
