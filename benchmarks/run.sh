#!/usr/bin/env bash
# TenantLimit's benchmarks, one command; results go to stdout as Markdown for docs/performance.md.
#
#   bash benchmarks/run.sh            # everything, ~30 minutes
#   bash benchmarks/run.sh tables     # Redis memory per key, sliding-counter accuracy, multi-region (~1 minute)
#   bash benchmarks/run.sh multiregion # the multi-region simulation alone (docs/multi-region.md, seconds)
#   bash benchmarks/run.sh jmh        # the limiter alone: decisions/s at 1, 8, 64 callers (~15 minutes)
#   bash benchmarks/run.sh roundtrip  # JVM CPU per Redis round trip, Lettuce vs Jedis, 1/4/32 callers (~2 minutes)
#   bash benchmarks/run.sh http       # TenantLimit vs none vs bucket4j side by side; hot tenant (~13 minutes)
#
# Needs Redis on 127.0.0.1:6379 and, for `http`, wrk and openssl (apt-get install wrk openssl). Not part of the build
# or CI: figures on a shared machine are noisy, so compare the ratios measured side by side.
# Knobs for `http`: DURATION (15s), WARMUP (60s), ROUNDS (3), CONNECTIONS (32), ALGORITHM
# (sliding-log), TENANTS (1000, round robin in the overhead rounds), JAVA_OPTS, PIN=1 to run Redis
# and wrk on core 0 and the JVMs on core 1. bucket4j-spring-boot-starter (benchmarks/bucket4j) runs
# the same sample app jar with the same limit, keyed by the Authorization header.
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
ON_ARGS=${ON_ARGS:-}  # more arguments for the app with TenantLimit, e.g. --tenantlimit.lease.enabled=false
TENANTS=${TENANTS:-1000}
SECRET=${SECRET:-sample-secret-change-me-0123456789abcdef}
ON_PORT=18081
OFF_PORT=18082
B4J_PORT=18083
PREFIX="tl-bench-$$:"

build_benchmarks() {
  ./mvnw -B -q -ntp -Pbenchmarks -pl benchmarks -am package -DskipTests
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
  multiregion
}

multiregion() {
  # docs/multi-region.md: one global limit over three regions, five ways, one-way delays of 10, 40, 100 ms
  java -cp benchmarks/target/benchmarks.jar dev.tenantlimit.benchmarks.multiregion.MultiRegionSimulation 10 40 100
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
  echo "### JMH, one hot tenant through the failover: Redis vs the local fallback, 32 callers"
  echo
  echo '```'
  java -jar benchmarks/target/benchmarks.jar FallbackBenchmark -t 32 -rf text -rff /tmp/tenantlimit-jmh.txt >/dev/null
  cat /tmp/tenantlimit-jmh.txt
  echo '```'
  echo
  echo "### JMH, one hot tenant through the failover: from leases vs a Redis round trip each, 32 callers"
  echo
  echo '```'
  java -jar benchmarks/target/benchmarks.jar LeaseBenchmark -t 32 -rf text -rff /tmp/tenantlimit-jmh.txt >/dev/null
  cat /tmp/tenantlimit-jmh.txt
  echo '```'
  echo
  echo "### JMH, a hot tenant's bearer token: verified every time vs remembered once verified"
  echo
  echo '```'
  java -jar benchmarks/target/benchmarks.jar JwtResolverBenchmark -rf text -rff /tmp/tenantlimit-jmh.txt >/dev/null
  cat /tmp/tenantlimit-jmh.txt
  echo '```'
  echo
}

roundtrip() {
  build_benchmarks
  echo "### JVM CPU per Redis round trip: TenantLimit's decision and a bare INCR, Lettuce and Jedis"
  echo
  java -Xms256m -Xmx256m -cp benchmarks/target/benchmarks.jar dev.tenantlimit.benchmarks.RoundTripCost 4
}

http() {
  command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
  # clean: an up-to-date sample jar keeps the TenantLimit jar it was repackaged with
  ./mvnw -B -q -ntp -pl sample-app clean
  ./mvnw -B -q -ntp -pl sample-app -am package -DskipTests
  ./mvnw -B -q -ntp -Pbenchmarks -pl benchmarks/bucket4j package -DskipTests
  local jar b4j_path java_cpu="" wrk_cpu=""
  jar=$(ls sample-app/target/tenantlimit-sample-app-*.jar | grep -v original | head -n 1)
  b4j_path="benchmarks/bucket4j/target/lib,$(ls benchmarks/bucket4j/target/tenantlimit-benchmarks-bucket4j-*.jar)"
  if [ "$PIN" = 1 ]; then
    java_cpu="taskset -c 1"; wrk_cpu="taskset -c 0"
    taskset -a -p -c 0 "$(pgrep -x redis-server | head -n 1)" >/dev/null
  fi
  start() { # port, java options before the class path, app args...
    local port=$1 launch=$2; shift 2
    $java_cpu java $JAVA_OPTS $launch --server.port="$port" --logging.level.root=WARN \
      --spring.datasource.url="jdbc:h2:mem:bench-$port" --tenantlimit.redis.key-prefix="$PREFIX" "$@" \
      > "/tmp/tenantlimit-bench-$port.log" 2>&1 &
    echo $!
  }
  up() { # port: one JVM starting at a time, so none times out on a busy machine
    for _ in $(seq 1 90); do curl -sf "localhost:$1/actuator/health" >/dev/null && return; sleep 1; done
    echo "the app on port $1 did not start: /tmp/tenantlimit-bench-$1.log" >&2; exit 1
  }
  ON_PID="" OFF_PID="" B4J_PID=""
  trap 'kill $ON_PID $OFF_PID $B4J_PID 2>/dev/null || true; [ "$PIN" = 1 ] && taskset -a -p -c 0-1 "$(pgrep -x redis-server | head -n 1)" >/dev/null || true' EXIT
  # The same endpoint three ways: TenantLimit on (a quota nobody reaches), nothing, and
  # bucket4j-spring-boot-starter on Lettuce with the same limit per Authorization header.
  # a limit no run reaches: 10^9 a second, 100 000 for a sliding log (its largest limit)
  local never=1000000000
  [ "$ALGORITHM" = sliding-log ] && never=100000
  ON_PID=$(start $ON_PORT "-jar $jar" --tenantlimit.default-quotas[0].limit=$never \
    --tenantlimit.default-quotas[0].window=1s --tenantlimit.default-quotas[0].algorithm="$ALGORITHM" \
    --logging.level.dev.tenantlimit.sample=INFO $ON_ARGS)
  up $ON_PORT
  OFF_PID=$(start $OFF_PORT "-jar $jar" --tenantlimit.enabled=false --sample.demo.enabled=false)
  up $OFF_PORT
  B4J_PID=$(start $B4J_PORT "-cp $jar -Dloader.path=$b4j_path -Dloader.main=dev.tenantlimit.benchmarks.bucket4j.Bucket4jSampleApplication org.springframework.boot.loader.launch.PropertiesLauncher" \
    --tenantlimit.enabled=false --sample.demo.enabled=false --bucket4j.enabled=true \
    --bucket4j.filters[0].cache-name=tl-bench-bucket4j --bucket4j.filters[0].url='/api/.*' \
    --bucket4j.filters[0].rate-limits[0].cache-key="getHeader('Authorization')" \
    --bucket4j.filters[0].rate-limits[0].bandwidths[0].capacity=1000000000 \
    --bucket4j.filters[0].rate-limits[0].bandwidths[0].time=1 --bucket4j.filters[0].rate-limits[0].bandwidths[0].unit=seconds)
  up $B4J_PORT
  for _ in $(seq 1 30); do grep -q 'Bearer ' "/tmp/tenantlimit-bench-$ON_PORT.log" && break; sleep 1; done
  TOKEN=$(grep -o 'Bearer [^ ]*' "/tmp/tenantlimit-bench-$ON_PORT.log" | head -n 1 | cut -d' ' -f2 | tr -d "'")
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "localhost:$ON_PORT/api/ping")" = 200 ]
  # bucket4j must really be limiting: its answer carries its remaining-tokens header.
  curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "localhost:$B4J_PORT/api/ping" | grep -qi '^X-Rate-Limit-Remaining:' \
    || { echo "bucket4j's filter is not active on port $B4J_PORT" >&2; exit 1; }

  # TENANTS tenants, created through the admin API, and their JWTs signed with the sample app's
  # demo secret; with no plan and no quotas of their own they get the default quota.
  TOKENS=/tmp/tenantlimit-bench-tokens.txt; export TOKENS
  : > "$TOKENS"
  local exp b64 header payload
  exp=$(( $(date +%s) + 43200 ))
  b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
  header=$(printf '{"alg":"HS256"}' | b64)
  for i in $(seq 1 "$TENANTS"); do
    payload=$(printf '{"tenant_id":"bench-%d","exp":%d}' "$i" "$exp" | b64)
    echo "$header.$payload.$(printf '%s' "$header.$payload" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64)" >> "$TOKENS"
    curl -sf -o /dev/null -u admin:admin-demo-password -H 'Content-Type: application/json' \
      -d "{\"id\":\"bench-$i\",\"name\":\"Benchmark tenant $i\"}" "localhost:$ON_PORT/admin/tenants"
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(tail -n 1 "$TOKENS")" "localhost:$ON_PORT/api/ping")" = 200 ]

  port_of() { case $1 in on) echo $ON_PORT ;; off) echo $OFF_PORT ;; bucket4j) echo $B4J_PORT ;; esac; }
  pid_of() { case $1 in on) echo "$ON_PID" ;; off) echo "$OFF_PID" ;; bucket4j) echo "$B4J_PID" ;; esac; }
  app_cpu() { # pid -> CPU time used so far, µs
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f\n", ($14 + $15) * 1000000 / hz}' "/proc/$1/stat"
  }
  load() { # port, duration, connections -> wrk output; one tenant (the demo JWT)
    $wrk_cpu wrk -t2 -c"$3" -d"$2" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$1/api/ping"
  }
  load_many() { # port, duration, connections -> wrk output; round robin over TENANTS tenants
    $wrk_cpu wrk -t2 -c"$3" -d"$2" --latency -s benchmarks/tenants.lua "http://127.0.0.1:$1/api/ping"
  }
  rps() { awk '/Requests\/sec/ {print $2}'; }
  pct() { awk -v p="$1" '$1 == p {print $2}'; }
  total() { awk '/requests in/ {print $1}'; }
  fallbacks() { curl -s -u admin:admin-demo-password "localhost:$ON_PORT/actuator/prometheus" | awk '/^tenantlimit_requests_total\{outcome="fallback"/ {print $2}'; }
  # Round trips: TenantLimit sends FCALL (EVALSHA before Redis 7); bucket4j sends GET then EVAL per compare-and-swap
  # attempt, and its script GETs again, so GET calls count both of bucket4j's trips.
  redis_totals() { # "round trips" "Redis CPU in µs"
    local stats cpu
    stats=$(redis-cli info commandstats); cpu=$(redis-cli info cpu)
    echo "$stats" | awk -F'[=,:]' '$1 == "cmdstat_fcall" || $1 == "cmdstat_evalsha" || $1 == "cmdstat_get" {c += $3} END {print c + 0}'
    echo "$cpu" | awk -F: '$1 == "used_cpu_user" || $1 == "used_cpu_sys" {s += $2} END {printf "%.0f\n", s * 1000000}'
  }

  for side in on off bucket4j; do load_many "$(port_of $side)" "$WARMUP" "$CONNECTIONS" >/dev/null; done  # the JIT needs it
  local fallbacks_before
  fallbacks_before=$(fallbacks); fallbacks_before=${fallbacks_before:-0}

  echo "### Filter overhead: TenantLimit ($ALGORITHM) vs none vs bucket4j, $TENANTS tenants, wrk -t2 -c$CONNECTIONS, $DURATION per round, PIN=$PIN"
  echo
  echo "| round | side | requests/s | p50 | p99 | non-2xx | Redis round trips/request | Redis CPU µs/request | app CPU µs/request |"
  echo "|---|---|---|---|---|---|---|---|---|"
  declare -A sum=([on]=0 [off]=0 [bucket4j]=0) requests=([on]=0 [off]=0 [bucket4j]=0) calls=([on]=0 [off]=0 [bucket4j]=0) usec=([on]=0 [off]=0 [bucket4j]=0) app=([on]=0 [off]=0 [bucket4j]=0)
  redis-cli config resetstat >/dev/null
  for round in $(seq 1 "$ROUNDS"); do
    for side in on off bucket4j; do
      local out r p50 p99 non2xx n before after dc du app_before da
      before=$(redis_totals | paste -sd' '); app_before=$(app_cpu "$(pid_of $side)")
      out=$(load_many "$(port_of $side)" "$DURATION" "$CONNECTIONS")
      after=$(redis_totals | paste -sd' '); da=$(( $(app_cpu "$(pid_of $side)") - app_before ))
      r=$(echo "$out" | rps); p50=$(echo "$out" | pct 50%); p99=$(echo "$out" | pct 99%); n=$(echo "$out" | total)
      non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}'); non2xx=${non2xx:-0}
      dc=$(( ${after% *} - ${before% *} )); du=$(( ${after#* } - ${before#* } ))
      echo "| $round | $side | $r | $p50 | $p99 | $non2xx | $(echo "scale=3; $dc / $n" | bc) | $(echo "scale=1; $du / $n" | bc) | $(echo "scale=1; $da / $n" | bc) |"
      sum[$side]=$(echo "${sum[$side]} + $r" | bc); requests[$side]=$(( ${requests[$side]} + n ))
      calls[$side]=$(( ${calls[$side]} + dc )); usec[$side]=$(( ${usec[$side]} + du )); app[$side]=$(( ${app[$side]} + da ))
    done
  done
  local stats fcall fcall_usec evalsha evalsha_usec eval_calls fallbacks_after
  stats=$(redis-cli info commandstats)
  fcall=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_fcall:/ {print $2}')
  fcall_usec=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_fcall:/ {print $6}')
  evalsha=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_evalsha:/ {print $2}')
  evalsha_usec=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_evalsha:/ {print $6}')
  eval_calls=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_eval:/ {print $2}')
  fallbacks_after=$(fallbacks); fallbacks_after=${fallbacks_after:-0}
  echo
  echo "- Throughput with TenantLimit / without: $(echo "scale=3; ${sum[on]} / ${sum[off]}" | bc)"
  echo "- Throughput with bucket4j / without: $(echo "scale=3; ${sum[bucket4j]} / ${sum[off]}" | bc)"
  echo "- Throughput with TenantLimit / with bucket4j: $(echo "scale=3; ${sum[on]} / ${sum[bucket4j]}" | bc)"
  echo "- Redis round trips per request: TenantLimit $(echo "scale=3; ${calls[on]} / ${requests[on]}" | bc), bucket4j $(echo "scale=3; ${calls[bucket4j]} / ${requests[bucket4j]}" | bc)"
  echo "- Redis CPU per request (µs, used_cpu_user + used_cpu_sys): TenantLimit $(echo "scale=1; ${usec[on]} / ${requests[on]}" | bc), bucket4j $(echo "scale=1; ${usec[bucket4j]} / ${requests[bucket4j]}" | bc)"
  echo "- App CPU per request (µs, the JVM's user + system time): TenantLimit $(echo "scale=1; ${app[on]} / ${requests[on]}" | bc), none $(echo "scale=1; ${app[off]} / ${requests[off]}" | bc), bucket4j $(echo "scale=1; ${app[bucket4j]} / ${requests[bucket4j]}" | bc)"
  echo "- FCALL (TenantLimit only, its decisions): ${fcall:-0} calls for ${requests[on]} requests, usec_per_call ${fcall_usec:-}"
  echo "- EVALSHA: ${evalsha:-0} calls (TenantLimit's other scripts; bucket4j uses EVAL), EVAL ${eval_calls:-0}, usec_per_call ${evalsha_usec:-}"
  echo "- Commands Redis ran, scripts' own included: $(echo "$stats" | awk -F'[:=,]' '/^cmdstat_/ && $1 != "cmdstat_info" && $1 != "cmdstat_config|resetstat" {printf "%s %s (%s µs/call); ", substr($1, 9), $3, $7}')"
  echo "- Decisions by TenantLimit's local fallback while measuring (must be 0): $(echo "$fallbacks_after - $fallbacks_before" | bc)"
  echo
  echo "### One hot tenant whose quota never fills, by JWT and by API key, wrk -t2 -c$CONNECTIONS, $DURATION per round"
  echo
  local key
  key=$(curl -sf -u admin:admin-demo-password -H 'Content-Type: application/json' -d '{"name":"benchmark"}' \
    "localhost:$ON_PORT/admin/tenants/bench-1/api-keys" | grep -o '"key":"[^"]*"' | cut -d'"' -f4)
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $key" "localhost:$ON_PORT/api/ping")" = 200 ]
  load_key() { # port, duration, connections -> wrk output; one tenant by API key
    $wrk_cpu wrk -t2 -c"$3" -d"$2" --latency -H "X-API-Key: $key" "http://127.0.0.1:$1/api/ping"
  }
  leases() { curl -s -u admin:admin-demo-password "localhost:$ON_PORT/actuator/prometheus" | awk '/^tenantlimit_lease_admissions_total/ {print $2}'; }
  echo "| round | credential | TenantLimit requests/s | p99 | none requests/s | p99 | ratio | Redis round trips/request | from leases | app CPU µs/request (on, off) |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  declare -A hot_on=([jwt]=0 [key]=0) hot_off=([jwt]=0 [key]=0)
  for credential in jwt key; do
    local run=load; [ "$credential" = key ] && run=load_key
    $run $ON_PORT 10s "$CONNECTIONS" >/dev/null; $run $OFF_PORT 10s "$CONNECTIONS" >/dev/null
    for round in $(seq 1 "$ROUNDS"); do
      local on off before after n lb la ab aa ob oa
      before=$(redis_totals | paste -sd' '); lb=$(leases); ab=$(app_cpu "$ON_PID")
      on=$($run $ON_PORT "$DURATION" "$CONNECTIONS")
      after=$(redis_totals | paste -sd' '); la=$(leases); aa=$(app_cpu "$ON_PID")
      ob=$(app_cpu "$OFF_PID"); off=$($run $OFF_PORT "$DURATION" "$CONNECTIONS"); oa=$(app_cpu "$OFF_PID")
      n=$(echo "$on" | total)
      hot_on[$credential]=$(echo "${hot_on[$credential]} + $(echo "$on" | rps)" | bc)
      hot_off[$credential]=$(echo "${hot_off[$credential]} + $(echo "$off" | rps)" | bc)
      echo "| $round | $credential | $(echo "$on" | rps) | $(echo "$on" | pct 99%) | $(echo "$off" | rps) | $(echo "$off" | pct 99%) | $(echo "scale=3; $(echo "$on" | rps) / $(echo "$off" | rps)" | bc) | $(echo "scale=3; (${after% *} - ${before% *}) / $n" | bc) | $(echo "scale=3; ($la - $lb) / $n" | bc) | $(echo "scale=1; ($aa - $ab) / $n" | bc), $(echo "scale=1; ($oa - $ob) / $(echo "$off" | total)" | bc) |"
    done
  done
  echo
  echo "- Hot tenant by JWT, TenantLimit / none: $(echo "scale=3; ${hot_on[jwt]} / ${hot_off[jwt]}" | bc)"
  echo "- Hot tenant by API key, TenantLimit / none: $(echo "scale=3; ${hot_on[key]} / ${hot_off[key]}" | bc)"
  echo
  # half the rate the app without TenantLimit saturates at, paced over the same connections
  local delay_ms
  delay_ms=$(echo "scale=0; 2 * $CONNECTIONS * 1000 * $ROUNDS / ${hot_off[jwt]}" | bc)
  echo "### Latency at half the saturating rate (JWT, $CONNECTIONS connections each waiting ${delay_ms} ms between requests)"
  echo
  echo "| side | requests/s | p50 | p90 | p99 |"
  echo "|---|---|---|---|---|"
  for side in on off; do
    local paced
    paced=$(DELAY_MS=$delay_ms $wrk_cpu wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s benchmarks/paced.lua \
      -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$(port_of $side)/api/ping")
    echo "| $side | $(echo "$paced" | rps) | $(echo "$paced" | pct 50%) | $(echo "$paced" | pct 90%) | $(echo "$paced" | pct 99%) |"
  done
  echo
  echo "### Hot tenant: one tenant, more and more clients, 10 s each (requests/s, p99)"
  echo
  echo "| clients | TenantLimit | p99 | none | p99 | bucket4j | p99 | bucket4j non-2xx |"
  echo "|---|---|---|---|---|---|---|---|"
  for clients in 64 128 256 512; do
    local on off b4j
    on=$(load $ON_PORT 10s "$clients"); off=$(load $OFF_PORT 10s "$clients"); b4j=$(load $B4J_PORT 10s "$clients")
    echo "| $clients | $(echo "$on" | rps) | $(echo "$on" | pct 99%) | $(echo "$off" | rps) | $(echo "$off" | pct 99%) | $(echo "$b4j" | rps) | $(echo "$b4j" | pct 99%) | $(echo "$b4j" | awk '/Non-2xx/ {print $5}') |"
  done
  echo
}

case "$PART" in
  tables) tables ;;
  multiregion) build_benchmarks; multiregion ;;
  jmh) jmh ;;
  roundtrip) roundtrip ;;
  http) http ;;
  all) tables; jmh; roundtrip; http ;;
  *) echo "usage: bash benchmarks/run.sh [all|tables|multiregion|jmh|roundtrip|http]" >&2; exit 2 ;;
esac
