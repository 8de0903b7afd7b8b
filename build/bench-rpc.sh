#!/usr/bin/env bash
# RPC benchmark: `echo` through Mizan vs a bare actix-web JSON handler doing the same work.
# Both servers run on one worker pinned to CPU 0; wrk (1 thread, 32 connections) runs on CPU 1.
# Rounds alternate between the two servers so that drift affects both alike; the medians and
# their ratio are printed. BENCH_SECONDS (default 8) and BENCH_ROUNDS (default 5) tune it.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "bench: installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --quiet --profile bench -p mizan --example rpc_bench_server
server=target/release/examples/rpc_bench_server
mizan=127.0.0.1:18801
bare=127.0.0.1:18802
taskset -c 0 "$server" "$mizan" "$bare" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://$bare/echo" -X POST -H 'content-type: application/json' -d '{"text":"x"}' && break; sleep 0.1; done

script=$(mktemp)
cat > "$script" <<'LUA'
wrk.method = "POST"
wrk.body = '{"text":"hello, benchmark"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "mizan_csrf=bench-token"
wrk.headers["X-CSRF-Token"] = "bench-token"
LUA
duration=${BENCH_SECONDS:-8}
run() { taskset -c 1 wrk -t1 -c32 -d"${duration}s" -s "$script" "$1" | awk '/Requests\/sec/ {print $2}'; }
run "http://$mizan/api/mizan/call/echo" >/dev/null # warm-up
rounds=${BENCH_ROUNDS:-5}
declare -a m b
for _ in $(seq 1 "$rounds"); do
  m+=("$(run "http://$mizan/api/mizan/call/echo")")
  b+=("$(run "http://$bare/echo")")
done
python3 - "${m[@]}" "${b[@]}" <<'PY'
import statistics, sys
values = list(map(float, sys.argv[1:]))
half = len(values) // 2
mizan, bare = values[:half], values[half:]
m, b = statistics.median(mizan), statistics.median(bare)
print(f"echo via Mizan:     {m:10.0f} req/s (rounds: {', '.join(f'{v:.0f}' for v in mizan)})")
print(f"bare actix handler: {b:10.0f} req/s (rounds: {', '.join(f'{v:.0f}' for v in bare)})")
print(f"ratio Mizan / bare: {m / b:.3f} (target >= 0.9)")
PY
