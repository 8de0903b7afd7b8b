#!/usr/bin/env bash
# Page rendering benchmark, in one run:
#   (a) the raw engine rendering the example app's home page in a loop (one runtime);
#   (b) full HTTP page throughput of the example app (release build, pinned to CPU 0 so it has
#       one core like (a); wrk on CPU 1), with the same page and data;
# and the ratio (b) / (a) (target >= 0.85). Also: time from process start to the first
# rendered page, the engine's time per example page, and Node.js rendering the same bundle.
# BENCH_SECONDS (default 8) and BENCH_ROUNDS (default 3) tune it.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "bench: installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --quiet --profile bench -p example-app
cargo build --quiet --profile bench -p mizan-ssr --bench render
binary=target/release/example-app
bundle=example-app/frontend/dist/server.js
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="sqlite://$work/bench.db?mode=rwc" MIZAN_ADDR=127.0.0.1:18811 MIZAN_DEV=0 MIZAN_LOG=warn
export MIZAN_SECRET_KEY=bench-secret-key-0123456789abcdef0123456789
"$binary" migrate >/dev/null

# Time to the first rendered page: process start, runtime creation, bundle evaluation, render.
start=$(date +%s%N)
taskset -c 0 "$binary" serve &
pid=$!
until curl -sf -o /dev/null "http://$MIZAN_ADDR/"; do sleep 0.005; done
first=$(( ($(date +%s%N) - start) / 1000000 ))

# The request the page handler sends the renderer for `/`, with this server's data.
data=$(curl -sf "http://$MIZAN_ADDR/api/mizan/context")
request=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["$local"]={}; print(json.dumps({"url":"/","ssrData":d}))' "$data")
greet=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["$local"]={"greet?{\"name\":\"Ann\"}":{"greeting":"Hello, Ann!","waves":0},"greet?{\"name\":\"Bob\"}":{"greeting":"Hello, Bob!","waves":0}}; print(json.dumps({"url":"/greet","ssrData":d}))' "$data")
missing=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["$local"]={}; print(json.dumps({"url":"/no/such/page","ssrData":d}))' "$data")

# Milliseconds per steady render of one runtime (the render benchmark of mizan-ssr).
render_bench=$(ls -t target/release/deps/render-* | grep -v '\.d$' | head -1)
duration=${BENCH_SECONDS:-8}
# As long as a round of (b), so both see the same machine and the engine's periodic GC.
engine() { RENDER_SECONDS=${2:-$duration} taskset -c 0 "$render_bench" "$bundle" "$1" | awk '/steady render/ {print $3}'; }

run() { taskset -c 1 wrk -t1 -c8 -d"${duration}s" "http://$MIZAN_ADDR$1" | awk '/Requests\/sec/ {print $2}'; }
run / >/dev/null # warm-up
declare -a pages raw
for _ in $(seq 1 "${BENCH_ROUNDS:-3}"); do
  pages+=("$(run /)")
  raw+=("$(engine "$request")")
done
echo "time to the first rendered page: ${first} ms"
home=$(RENDER_SECONDS=2 taskset -c 0 "$render_bench" "$bundle" "$request")
grep -E "evaluation|first render|per render" <<<"$home"
echo "engine, ms per page: / $(awk '/steady render/ {print $3}' <<<"$home")   /greet $(engine "$greet" 2)   404 $(engine "$missing" 2)"
node build/bench-pages.mjs "$bundle" "$request"
python3 - "${pages[@]}" "${raw[@]}" <<'PY'
import statistics, sys
values = list(map(float, sys.argv[1:]))
half = len(values) // 2
pages, raw_ms = values[:half], values[half:]
p = statistics.median(pages)
r = 1000 / statistics.median(raw_ms)
print(f"(a) raw engine, home page:   {r:8.0f} renders/s (ms per render: {', '.join(f'{v:.3f}' for v in raw_ms)})")
print(f"(b) HTTP pages through Mizan: {p:8.0f} req/s (rounds: {', '.join(f'{v:.0f}' for v in pages)}), 1 core")
print(f"ratio (b) / (a x 1 worker): {p / r:.3f} (target >= 0.85)")
PY
