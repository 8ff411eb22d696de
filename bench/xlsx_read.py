"""How fast a filled data-entry workbook is read: python-calamine against openpyxl's
read-only mode, on a generated 10,000-unit workbook shaped like `emuscore template
rulesets/lang-son-2024.toml` (a units sheet and one sheet per group, 33 indicators).

    .venv/bin/python bench/xlsx_read.py [--units 10000] [--runs 5]

Each run reads every cell of every sheet into Python values with each reader, the two
interleaved (calamine, openpyxl, calamine, ...) so that a busy moment of the shared
machine falls on both; the median of the runs is reported. Then the whole loader
(`emuscore.load_data` on the workbook, which reads with the chosen reader and checks
every cell against the ruleset) is timed the same way.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULESET = ROOT / "rulesets" / "lang-son-2024.toml"


def generate(path: Path, units: int, seed: int = 1) -> None:
    """The template of lang-son-2024, filled with plausible values for `units` units."""
    import openpyxl

    import emuscore
    from emuscore.io.xlsx_data import write_template
    from emuscore.manager import default_registry

    rs = emuscore.load_ruleset(RULESET)
    path.write_bytes(write_template(rs, default_registry()))
    book = openpyxl.load_workbook(path)
    rng = random.Random(seed)
    ids = [f"DV{k:05d}" for k in range(1, units + 1)]
    sheets = book.worksheets
    for k, unit in enumerate(ids, 2):
        sheets[0].append([unit, f"Đơn vị số {k - 1}", f"K{(k - 2) % 40 + 1:02d}"])
    for sheet in sheets[1:-1]:              # the last one is the guide
        headers = [c.value for c in sheet[1]]
        for k, unit in enumerate(ids, 2):
            row: list[object] = [unit, f"Đơn vị số {k - 1}"]
            for header in headers[2:]:
                spec = next(s for s in rs.indicators
                            if str(header).startswith(s.title))
                if spec.kind == "date":
                    row.append(datetime.date(2024, 1, 1) + datetime.timedelta(rng.randrange(300)))
                elif spec.kind in ("yesno",):
                    row.append(rng.choice((0, 1)))
                elif spec.kind == "count":
                    row.append(rng.randrange(0, 12))
                elif spec.kind == "percent":
                    row.append(round(rng.uniform(60, 100), 1))
                else:
                    row.append(round(rng.uniform(500, 2_000_000), 3))
            sheet.append(row)
    book.save(path)


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def read_openpyxl(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(sum(1 for _ in sheet.iter_rows(values_only=True)) for sheet in book.worksheets)
    finally:
        book.close()


def load(path: Path) -> int:
    import emuscore

    return emuscore.load_data(path, ruleset=emuscore.load_ruleset(RULESET)).size


def timed(fn, path: Path) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(path)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nhap-lieu.xlsx"
        generate(path, args.units)
        size = path.stat().st_size
        assert read_calamine(path) == read_openpyxl(path)       # the same rows
        times: dict[str, list[float]] = {"python-calamine": [], "openpyxl read-only": [],
                                         "emuscore.load_data (whole loader)": []}
        for _ in range(args.runs):
            times["python-calamine"].append(timed(read_calamine, path))
            times["openpyxl read-only"].append(timed(read_openpyxl, path))
            times["emuscore.load_data (whole loader)"].append(timed(load, path))
    print(f"{args.units} units, workbook {size / 1e6:.1f} MB, median of {args.runs} interleaved runs")
    for name, runs in times.items():
        print(f"  {name:36} {statistics.median(runs):6.3f} s   (runs: "
              + ", ".join(f"{t:.3f}" for t in runs) + ")")


if __name__ == "__main__":
    main()
