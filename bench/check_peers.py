"""Cross-check emuscore and the test suite's oracle against the peers' own exact oracle.

    .venv/bin/python bench/check_peers.py [--peers ../shared/peers]

Not a test: the suite runs without the peers (tests/cluster40.py generates the data and
computes the expected results itself). This script closes the loop when the peers are
at hand. For each case it generates data (with the peers' gen.py, or with
tests/cluster40.py's generator), runs the peers' impl_decimal.py on it, and compares its
output byte for byte with both `emuscore score rulesets/cluster-40.toml DATA -q --out OUT
--columns unit_id,total,cluster_rank,award:flag --sort unit_id` and tests/cluster40.py's
oracle_csv on the same data. It also checks that
gen.py still writes the bundled rulesets/cluster-40 sample. One line per case; the exit
status is 1 if anything differs.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULESET = ROOT / "rulesets" / "cluster-40.toml"
FORMULAS = ROOT / "rulesets" / "cluster-40-formulas.toml"
"""The same job with formulas only: it must equal impl_decimal.py too."""
SAMPLE = ROOT / "rulesets" / "cluster-40"
CASES = [("gen.py", 200, 1), ("gen.py", 37, 3), ("gen.py", 1000, 4), ("gen.py", 5000, 2),
         ("gen.py", 20000, 7), ("tests", 3000, 1), ("tests", 1200, 2)]
"""(whose generator, units, seed): the peers' gen.py, or tests/cluster40.py's (the data the
suite checks emuscore on, with more edges: odd-cent deduction counts, tiny targets)."""
COLUMNS = "unit_id,total,cluster_rank,award:flag"


def emuscore_command() -> list[str]:
    beside = Path(sys.executable).with_name("emuscore")
    found = str(beside) if beside.exists() else shutil.which("emuscore")
    return [found] if found else [sys.executable, "-c", "from emuscore.cli import main; main()"]


def difference(want: bytes, got: bytes) -> str | None:
    """None if equal, else what differs, in a few words."""
    if want == got:
        return None
    try:
        a = list(csv.reader(io.StringIO(want.decode("utf-8"))))
        b = list(csv.reader(io.StringIO(got.decode("utf-8"))))
    except UnicodeDecodeError:
        return "not UTF-8"
    if a[:1] != b[:1]:
        return f"header {','.join(b[0]) if b else '(none)'} instead of {','.join(a[0])}"
    if len(a) != len(b):
        return f"{len(b) - 1} units instead of {len(a) - 1}"
    rows = [(x, y) for x, y in zip(a[1:], b[1:], strict=True) if x != y]
    if not rows:
        return "same cells, different bytes (line endings or quoting)"
    x, y = rows[0]
    return f"{len(rows)} units differ, first {','.join(y)} instead of {','.join(x)}"


def run(label: str, command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{label} exited {done.returncode}: {last[0]}")


def check(peers: Path, work: Path, source: str, units: int, seed: int) -> str | None:
    """None if everything agrees on this case, else the reason."""
    import cluster40  # from tests/, which main puts on sys.path

    data, want, got = work / "data", work / "decimal.csv", work / "emuscore.csv"
    if source == "gen.py":
        run("gen.py", [sys.executable, str(peers / "gen.py"), "--units", str(units), "--seed", str(seed),
                       "--out", str(data)], cwd=peers)
    else:
        cluster40.generate(data, units, seed)
    run("impl_decimal.py", [sys.executable, str(peers / "impl_decimal.py"), "--data", str(data),
                            "--out", str(want)], cwd=peers)
    reference = want.read_bytes()
    problems = []
    for ruleset in (RULESET, FORMULAS):
        run("emuscore score", [*emuscore_command(), "score", str(ruleset), str(data), "-q",
                               "--out", str(got), "--columns", COLUMNS, "--sort", "unit_id"], cwd=ROOT)
        if (reason := difference(reference, got.read_bytes())) is not None:
            problems.append(f"emuscore ({ruleset.name}) differs from impl_decimal.py: {reason}")
    if (reason := difference(reference, cluster40.oracle_csv(data))) is not None:
        problems.append(f"tests/cluster40.py's oracle differs from impl_decimal.py: {reason}")
    if (source, units, seed) == ("gen.py", 200, 1):
        for name in ("units.csv", "measures.csv"):
            if (data / name).read_bytes() != (SAMPLE / name).read_bytes():
                problems.append(f"gen.py --units 200 --seed 1 no longer writes {SAMPLE / name}")
    return "; ".join(problems) or None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=Path, default=ROOT.parent / "shared" / "peers",
                        help="the peers' folder (gen.py, impl_decimal.py); default ../shared/peers")
    peers = parser.parse_args().peers.resolve()
    missing = [name for name in ("gen.py", "impl_decimal.py", "common.py") if not (peers / name).exists()]
    if missing:
        print(f"error: {peers} has no {', '.join(missing)}; give the peers' folder with --peers")
        return 2
    sys.path.insert(0, str(ROOT / "tests"))
    failed = 0
    for source, units, seed in CASES:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="emuscore-check-peers-") as work:
            try:
                reason = check(peers, Path(work), source, units, seed)
            except RuntimeError as e:
                reason = str(e)
        seconds = time.perf_counter() - start
        failed += reason is not None
        print(f"{'FAIL' if reason else 'ok  '} {source:<6} {units:>6} units seed {seed}: "
              f"{reason or 'emuscore, impl_decimal.py and the tests oracle agree byte for byte'}"
              f" ({seconds:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
