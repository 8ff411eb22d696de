"""Writes the FICTIONAL sample data of police-2024.toml: units.csv and measures.csv.

The eleven district police units of a mountain border province, in two blocks; every
figure is made up (seeded, so the files are reproducible): python generate.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent

DISTRICTS = [
    ("thành phố Lạng Sơn", "khoi-1"), ("huyện Cao Lộc", "khoi-1"), ("huyện Văn Lãng", "khoi-1"),
    ("huyện Tràng Định", "khoi-1"), ("huyện Lộc Bình", "khoi-1"), ("huyện Đình Lập", "khoi-1"),
    ("huyện Hữu Lũng", "khoi-2"), ("huyện Chi Lăng", "khoi-2"), ("huyện Bắc Sơn", "khoi-2"),
    ("huyện Bình Gia", "khoi-2"), ("huyện Văn Quan", "khoi-2"),
]


def counts(rng: random.Random, last_year: int, change: tuple[float, float]) -> tuple[int, int]:
    return round(last_year * rng.uniform(*change)), last_year


def measures(rng: random.Random) -> dict[str, object]:
    detected = rng.randint(20, 160)
    serious = rng.randint(0, 12)
    crime_now, crime_before = counts(rng, rng.randint(30, 220), (0.8, 1.1))
    out: dict[str, object] = {
        "an_phat_hien": detected,
        "an_kham_pha": round(detected * rng.uniform(0.65, 0.95)),
        "an_nt_phat_hien": serious,
        "an_nt_kham_pha": serious - rng.choice([0, 0, 0, 1]) if serious else 0,
        "toi_pham_2024": crime_now,
        "toi_pham_2023": crime_before,
        "chi_tieu_giam_toi_pham": rng.choice(["3", "5", "7,5"]),
    }
    for kind, size in (("vu", 60), ("chet", 25), ("thuong", 55)):
        now, before = counts(rng, rng.randint(size // 6, size), (0.75, 1.15))
        out[f"tngt_{kind}_2024"], out[f"tngt_{kind}_2023"] = now, before
    out.update({
        "giao_uoc": rng.choice([1, 1, 1, 0]),
        "mo_hinh": rng.randint(1, 5),
        "bao_cao_dung_han": rng.choice([1, 1, 0]),
        "vi_pham_dieu_lenh": rng.choice([0, 0, 1, 2]),
        "officers_prosecuted": rng.choice([0, 0, 0, 0, 0, 1]),
        "collective_disciplined": rng.choice([0, 0, 0, 0, 1]),
    })
    return out


def main() -> None:
    rng = random.Random(2024)
    units = [(f"ca{i:02d}", f"Công an {name}", cluster)
             for i, (name, cluster) in enumerate(DISTRICTS, 1)]
    with open(HERE / "units.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit_id", "name", "cluster_id"])
        w.writerows(units)
    with open(HERE / "measures.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit_id", "indicator", "value"])
        for unit_id, _, _ in units:
            for indicator, value in measures(rng).items():
                w.writerow([unit_id, indicator, value])


if __name__ == "__main__":
    main()
