#!/usr/bin/env bash
# TenantLimit's benchmarks, one command; results go to stdout as Markdown for docs/performance.md.
#
#   bash benchmarks/run.sh            # everything, ~25 minutes
#   bash benchmarks/run.sh tables     # Redis memory per key and sliding-counter accuracy (~1 minute)
#   bash benchmarks/run.sh jmh        # the limiter alone: decisions/s at 1, 8, 64 callers (~15 minutes)
#   bash benchmarks/run.sh http       # filter overhead, limiter on vs off side by side, and the hot tenant
#
# Needs Redis on 127.0.0.1:6379 and, for `http`, wrk (apt-get install wrk). Not part of the build
# or CI: figures on a shared machine are noisy, so compare the ratios measured side by side.
# Knobs for `http`: DURATION (15s), WARMUP (60s), ROUNDS (3), CONNECTIONS (32), ALGORITHM
# (sliding-log), JAVA_OPTS, PIN=1 to run Redis and wrk on core 0 and both JVMs on core 1.
set -euo pipefail
cd "$(dirname "$0")/.."

PART=${1:-all}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-60s}
ALGORITHM=${ALGORITHM:-sliding-log}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
PIN=${PIN:-0}
ON_PORT=18081
OFF_PORT=18082
PREFIX="tl-bench-$$:"

build_benchmarks() {
  mvn -B -q -ntp -Pbenchmarks -pl benchmarks -am package -DskipTests
}

tables() {
  build_benchmarks
  echo "### Redis memory per key (MEMORY USAGE, full quota, window 1 h)"
  echo
  java -cp benchmarks/target/benchmarks.jar dev.tenantlimit.benchmarks.MemoryTable
  echo
  echo "### Sliding counter against the exact log (1 h of Poisson traffic, limit 1 000 a minute)"
  echo
  java -cp benchmarks/target/benchmarks.jar dev.tenantlimit.limiter.AccuracyTable
  echo
}

jmh() {
  build_benchmarks
  for threads in 1 8 64; do
    echo "### JMH, $threads concurrent callers"
    echo
    echo '```'
    java -jar benchmarks/target/benchmarks.jar LimiterBenchmark -t "$threads" -rf text -rff /tmp/tenantlimit-jmh.txt >/dev/null
    cat /tmp/tenantlimit-jmh.txt
    echo '```'
    echo
  done
}

http() {
  command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
  mvn -B -q -ntp -pl sample-app -am package -DskipTests
  local jar java_cpu="" wrk_cpu=""
  jar=$(ls sample-app/target/tenantlimit-sample-app-*.jar | grep -v original | head -n 1)
  if [ "$PIN" = 1 ]; then
    java_cpu="taskset -c 1"; wrk_cpu="taskset -c 0"
    taskset -a -p -c 0 "$(pgrep -x redis-server | head -n 1)" >/dev/null
  fi
  start() { # port, extra args...
    local port=$1; shift
    $java_cpu java $JAVA_OPTS -jar "$jar" --server.port="$port" --logging.level.root=WARN \
      --spring.datasource.url="jdbc:h2:mem:bench-$port" --tenantlimit.redis.key-prefix="$PREFIX" "$@" \
      > "/tmp/tenantlimit-bench-$port.log" 2>&1 &
    echo $!
  }
  ON_PID=$(start $ON_PORT --tenantlimit.default-quotas[0].limit=1000000000 --tenantlimit.default-quotas[0].window=1s \
    --tenantlimit.default-quotas[0].algorithm="$ALGORITHM" --logging.level.dev.tenantlimit.sample=INFO)
  OFF_PID=$(start $OFF_PORT --tenantlimit.enabled=false --sample.demo.enabled=false)
  trap 'kill $ON_PID $OFF_PID 2>/dev/null || true; [ "$PIN" = 1 ] && taskset -a -p -c 0-1 "$(pgrep -x redis-server | head -n 1)" >/dev/null || true' EXIT
  for port in $ON_PORT $OFF_PORT; do
    for _ in $(seq 1 60); do curl -sf "localhost:$port/actuator/health" >/dev/null && break; sleep 1; done
  done
  for _ in $(seq 1 30); do grep -q 'Bearer ' "/tmp/tenantlimit-bench-$ON_PORT.log" && break; sleep 1; done
  TOKEN=$(grep -o 'Bearer [^ ]*' "/tmp/tenantlimit-bench-$ON_PORT.log" | head -n 1 | cut -d' ' -f2 | tr -d "'")
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "localhost:$ON_PORT/api/ping")" = 200 ]

  load() { # port, duration, connections -> wrk output
    $wrk_cpu wrk -t2 -c"$3" -d"$2" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$1/api/ping"
  }
  rps() { awk '/Requests\/sec/ {print $2}'; }
  pct() { awk -v p="$1" '$1 == p {print $2}'; }
  total() { awk '/requests in/ {print $1}'; }
  fallbacks() { curl -s "localhost:$ON_PORT/actuator/prometheus" | awk '/^tenantlimit_requests_total\{outcome="fallback"/ {print $2}'; }

  load $ON_PORT "$WARMUP" "$CONNECTIONS" >/dev/null; load $OFF_PORT "$WARMUP" "$CONNECTIONS" >/dev/null  # the JIT needs it
  local fallbacks_before
  fallbacks_before=$(fallbacks); fallbacks_before=${fallbacks_before:-0}

  echo "### Filter overhead: $ALGORITHM, wrk -t2 -c$CONNECTIONS, $DURATION per round, PIN=$PIN"
  echo
  echo "| round | side | requests/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|"
  local on_sum=0 off_sum=0 on_requests=0
  redis-cli config resetstat >/dev/null
  for round in $(seq 1 "$ROUNDS"); do
    for side in on off; do
      local port out r p50 p99 non2xx
      port=$([ $side = on ] && echo $ON_PORT || echo $OFF_PORT)
      out=$(load "$port" "$DURATION" "$CONNECTIONS")
      r=$(echo "$out" | rps); p50=$(echo "$out" | pct 50%); p99=$(echo "$out" | pct 99%)
      non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}'); non2xx=${non2xx:-0}
      echo "| $round | $side | $r | $p50 | $p99 | $non2xx |"
      if [ $side = on ]; then on_sum=$(echo "$on_sum + $r" | bc); on_requests=$((on_requests + $(echo "$out" | total)));
      else off_sum=$(echo "$off_sum + $r" | bc); fi
    done
  done
  local stats evalsha usec eval_calls fallbacks_after
  stats=$(redis-cli info commandstats)
  evalsha=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_evalsha:/ {print $2}')
  usec=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_evalsha:/ {print $6}')
  eval_calls=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_eval:/ {print $2}')
  fallbacks_after=$(fallbacks); fallbacks_after=${fallbacks_after:-0}
  echo
  echo "- Throughput with the limiter / without: $(echo "scale=3; $on_sum / $off_sum" | bc)"
  echo "- EVALSHA per request (limiter on): $(echo "scale=3; $evalsha / $on_requests" | bc) ($evalsha calls, $on_requests requests, EVAL ${eval_calls:-0})"
  echo "- Redis CPU per decision (EVALSHA usec_per_call): $usec"
  echo "- Decisions by the local fallback while measuring (must be 0): $(echo "$fallbacks_after - $fallbacks_before" | bc)"
  echo
  echo "### Hot tenant: one tenant, more and more clients, 10 s each"
  echo
  echo "| clients | on: requests/s | on: p50 | on: p99 | off: requests/s | off: p50 | off: p99 |"
  echo "|---|---|---|---|---|---|---|"
  for clients in 64 128 256 512; do
    local on off
    on=$(load $ON_PORT 10s "$clients"); off=$(load $OFF_PORT 10s "$clients")
    echo "| $clients | $(echo "$on" | rps) | $(echo "$on" | pct 50%) | $(echo "$on" | pct 99%) | $(echo "$off" | rps) | $(echo "$off" | pct 50%) | $(echo "$off" | pct 99%) |"
  done
  echo
}

case "$PART" in
  tables) tables ;;
  jmh) jmh ;;
  http) http ;;
  all) tables; jmh; http ;;
  *) echo "usage: bash benchmarks/run.sh [all|tables|jmh|http]" >&2; exit 2 ;;
esac
