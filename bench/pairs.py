"""Interleaved pairs: emuscore and the peers' numpy_fixed on the same cluster-40 data,
in the same run, one after the other, N times over (this machine is noisy, so each
ratio is taken within a pair and the median of the ratios is reported).

    .venv/bin/python bench/pairs.py --units 100000 --pairs 5 [--peers ../shared/peers]

Timed, per pair, each as a whole process with /usr/bin/time (seconds, peak RSS):
- numpy_fixed: the peers' hand-written exact numpy script;
- four: `emuscore score rulesets/cluster-40.toml DATA -q --out R.csv --columns
  unit_id,total,cluster_rank,award:flag --sort unit_id` (byte for byte the peers' output);
- all: `emuscore score rulesets/cluster-40.toml DATA -q --out R.csv` (every column);
- formulas: the four-column form of rulesets/cluster-40-formulas.toml (the same job as
  formulas only), when that ruleset exists.
Every output of the four-column forms is compared with numpy_fixed's, byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMUSCORE = ROOT / ".venv" / "bin" / "emuscore"
FOUR = "unit_id,total,cluster_rank,award:flag"


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of one run of the command."""
    with tempfile.NamedTemporaryFile(suffix=".time") as f:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", f.name, *command], check=True,
                       cwd=cwd, stdout=subprocess.DEVNULL)
        seconds, kb = Path(f.name).read_text().split()[-2:]
    return float(seconds), int(kb) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, required=True)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--peers", type=Path, default=ROOT.parent / "shared" / "peers")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "emuscore-pairs")
    args = ap.parse_args()
    peers, out = args.peers.resolve(), args.out
    data = out / f"data-{args.units}"
    if not (data / "measures.csv").exists():
        subprocess.run([sys.executable, str(peers / "gen.py"), "--units", str(args.units),
                        "--seed", "1", "--out", str(data)], check=True)
    commands = {
        "numpy_fixed": [sys.executable, str(peers / "impl_numpy_fixed.py"), "--data", str(data),
                        "--out", str(out / "numpy_fixed.csv")],
        "four": [str(EMUSCORE), "score", str(ROOT / "rulesets" / "cluster-40.toml"), str(data),
                 "-q", "--out", str(out / "four.csv"), "--columns", FOUR, "--sort", "unit_id"],
        "all": [str(EMUSCORE), "score", str(ROOT / "rulesets" / "cluster-40.toml"), str(data),
                "-q", "--out", str(out / "all.csv")],
    }
    formulas = ROOT / "rulesets" / "cluster-40-formulas.toml"
    if formulas.exists():
        commands["formulas"] = [str(EMUSCORE), "score", str(formulas), str(data), "-q", "--out",
                                str(out / "formulas.csv"), "--columns", FOUR, "--sort", "unit_id"]
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.pairs):
        for name, command in commands.items():
            runs[name].append(timed(command, cwd=peers))
        for name in ("four", "formulas"):
            if name in commands and not filecmp.cmp(out / f"{name}.csv", out / "numpy_fixed.csv",
                                                    shallow=False):
                sys.exit(f"{name}: output differs from numpy_fixed's")
    print(f"cluster-40, {args.units:,} units, {args.pairs} interleaved runs of each "
          f"(outputs equal to numpy_fixed's)\n")
    print("| run | median s | all runs (s) | peak MB | median ratio to numpy_fixed |")
    print("|---|---:|---|---:|---:|")
    base = [s for s, _ in runs["numpy_fixed"]]
    for name, results in runs.items():
        seconds = [s for s, _ in results]
        ratios = [s / b for s, b in zip(seconds, base, strict=True)]
        print(f"| {name} | {statistics.median(seconds):.2f} | "
              f"{', '.join(f'{s:.2f}' for s in seconds)} | "
              f"{max(m for _, m in results):.0f} | {statistics.median(ratios):.2f}x |")


if __name__ == "__main__":
    main()
