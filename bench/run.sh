#!/usr/bin/env bash
# bench/run.sh [N ...]: emuscore end to end (bench/cluster40.sh through its CLI) timed in
# the same run as the peers (../shared/peers/run.sh), on the same cluster-40 data, each
# output compared byte for byte with impl_decimal.py's; then emuscore's stages
# (bench/stages.py). Raw tables go to bench/results/. Default N: 1000 10000 100000 1000000.
# Env: PY (the peers' venv python), RUNS (3; 1 at 1M, where zen takes minutes per run),
# OUT (data and outputs, as for run.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PEERS=${PEERS:-$(cd "$HERE/../../shared/peers" && pwd)}
export PY=${PY:-$HOME/.venvs/peers/bin/python}
export OUT=${OUT:-${TMPDIR:-/tmp}/emuscore-peers}
export EXTRA="$HERE/cluster40.sh"
mkdir -p "$HERE/results"
for N in ${@:-1000 10000 100000 1000000}; do
  if [ "$N" -ge 1000000 ]; then
    IMPLS="numpy_fixed zen extra"; RUNS_N=${RUNS:-1}
  else
    IMPLS="decimal numpy_fixed numpy_float zen zen_quotient extra"; RUNS_N=${RUNS:-3}
  fi
  RUNS=$RUNS_N "$PEERS/run.sh" "$N" $IMPLS
  cp "$OUT/$N.md" "$HERE/results/$N.md"
  echo "| $N | $("$HERE/../.venv/bin/python" "$HERE/stages.py" "$OUT/data-$N-s1.tmp" | cut -d'|' -f3-)" \
    >> "$HERE/results/stages.md"
done
