#!/usr/bin/env bash
# Channel fan-out benchmark: one group, N WebSocket subscribers on loopback, M broadcasts,
# with the in-process layer and with Redis (127.0.0.1:6379), in one run; the ratio of the two.
# BENCH_SUBSCRIBERS (default 200) and BENCH_MESSAGES (default 5000) tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/services.sh >/dev/null
cargo build --quiet --profile bench --workspace --example channel_fanout
bin=target/release/examples/channel_fanout
subscribers=${BENCH_SUBSCRIBERS:-200}
messages=${BENCH_MESSAGES:-5000}
in_process=$("$bin" "$subscribers" "$messages")
redis=$("$bin" "$subscribers" "$messages" redis://127.0.0.1:6379)
echo "$in_process"
echo "$redis"
python3 - "$in_process" "$redis" <<'PY'
import re, sys
rate = lambda line: float(re.search(r"= (\d+) deliveries/s", line).group(1))
local, redis = rate(sys.argv[1]), rate(sys.argv[2])
print(f"in-process {local:,.0f} deliveries/s (target >= 200,000); redis {redis:,.0f} = {redis / local:.2f}x in-process (target >= 0.5x)")
PY
