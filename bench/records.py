"""Run records at national scale: what `--record`, `replay` and `diff` cost beside a plain
`score`, on the same cluster-40 data, in the same run.

    .venv/bin/python bench/records.py --units 100000 --pairs 5 [--data DIR] [--peers ../shared/peers]

Each round runs, one after the other, each as a whole process timed by /usr/bin/time
(seconds, peak RSS):
- score:    `emuscore score rulesets/cluster-40.toml DATA -q --out R.csv`
- record:   the same with `--record run.json` as well
- replay:   `emuscore replay run.json`
- diff:     `emuscore diff run.json run-copy.json` (two readings of a national record)
The ratios (record / score, replay / score, diff / score) are taken within a round and
the median over the rounds is reported (this machine is noisy). The record of every
round is checked byte for byte against the first (the same inputs give the same bytes),
and replay must say `identical`.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from pairs import EMUSCORE, ROOT, timed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, required=True)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--data", type=Path, help="cluster-40 data folder (made with gen.py if absent)")
    ap.add_argument("--peers", type=Path, default=ROOT.parent / "shared" / "peers")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "emuscore-records")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    data = args.data or out / f"data-{args.units}"
    if not (data / "measures.csv").exists():
        subprocess.run([sys.executable, str(args.peers / "gen.py"), "--units", str(args.units),
                        "--seed", "1", "--out", str(data)], check=True)
    sheet = str(ROOT / "rulesets" / "cluster-40.toml")
    record, copy, first = out / "run.json", out / "run-copy.json", out / "run-first.json"
    commands = {
        "score": [str(EMUSCORE), "score", sheet, str(data), "-q", "--out", str(out / "r.csv")],
        "record": [str(EMUSCORE), "score", sheet, str(data), "-q", "--out", str(out / "r2.csv"),
                   "--record", str(record)],
        "replay": [str(EMUSCORE), "replay", str(record)],
        "diff": [str(EMUSCORE), "diff", str(record), str(copy)],
    }
    rows: list[dict[str, tuple[float, float]]] = []
    for n in range(args.pairs):
        row: dict[str, tuple[float, float]] = {}
        for name, command in commands.items():
            if name == "diff":
                shutil.copyfile(record, copy)
            row[name] = timed(command)
            if name == "record":
                if n == 0:
                    shutil.copyfile(record, first)
                assert filecmp.cmp(record, first, shallow=False), "a record differs between runs"
        said = subprocess.run(commands["replay"], capture_output=True, text=True)
        assert said.stdout.startswith("identical "), said.stdout
        rows.append(row)
        print(f"round {n + 1}: " + ", ".join(f"{k} {s:.2f} s {m:.0f} MB" for k, (s, m) in row.items()),
              flush=True)
    size = record.stat().st_size / 1e6
    print(f"\n{args.units:,} units, {args.pairs} rounds, record {size:.0f} MB\n")
    print("| command | median s | median peak MB | median ratio to score |")
    print("|---|---:|---:|---:|")
    for name in commands:
        seconds = statistics.median(r[name][0] for r in rows)
        peak = statistics.median(r[name][1] for r in rows)
        ratio = statistics.median(r[name][0] / r["score"][0] for r in rows)
        print(f"| {name} | {seconds:.2f} | {peak:.0f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
