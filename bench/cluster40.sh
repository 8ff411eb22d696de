#!/usr/bin/env bash
# The peers' EXTRA command: emuscore end to end through its CLI on cluster-40 data.
#   cluster40.sh --data DIR --out FILE
# writes unit_id,total,cluster_rank,flag sorted by unit_id, like impl_decimal.py.
# EMUSCORE (default: the project's .venv/bin/emuscore) and RULESET may be overridden.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
EMUSCORE=${EMUSCORE:-$HERE/../.venv/bin/emuscore}
RULESET=${RULESET:-$HERE/../rulesets/cluster-40.toml}
while [ $# -gt 0 ]; do
  case $1 in
    --data) DATA=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "usage: cluster40.sh --data DIR --out FILE" >&2; exit 2 ;;
  esac
done
# the CLI picks the format by suffix, and run.sh's output files end in .tmp
"$EMUSCORE" score "$RULESET" "${DATA:?--data DIR}" -q --out "${OUT:?--out FILE}.csv" \
  --columns unit_id,total,cluster_rank,award:flag --sort unit_id > /dev/null
mv "$OUT.csv" "$OUT"
