"""Writes the FICTIONAL sample data of education-2024.toml: units.csv and measures.csv.

The eleven district education offices of a mountain border province, in two blocks;
every figure is made up (seeded, so the files are reproducible): python generate.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent

UNITS = [
    ("gd01", "Phòng GD&ĐT thành phố Lạng Sơn", "khoi-1"),
    ("gd02", "Phòng GD&ĐT huyện Cao Lộc", "khoi-1"),
    ("gd03", "Phòng GD&ĐT huyện Văn Lãng", "khoi-1"),
    ("gd04", "Phòng GD&ĐT huyện Tràng Định", "khoi-1"),
    ("gd05", "Phòng GD&ĐT huyện Lộc Bình", "khoi-1"),
    ("gd06", "Phòng GD&ĐT huyện Đình Lập", "khoi-1"),
    ("gd07", "Phòng GD&ĐT huyện Hữu Lũng", "khoi-2"),
    ("gd08", "Phòng GD&ĐT huyện Chi Lăng", "khoi-2"),
    ("gd09", "Phòng GD&ĐT huyện Bắc Sơn", "khoi-2"),
    ("gd10", "Phòng GD&ĐT huyện Bình Gia", "khoi-2"),
    ("gd11", "Phòng GD&ĐT huyện Văn Quan", "khoi-2"),
]


def measures(rng: random.Random) -> dict[str, object]:
    grade5 = rng.randint(900, 3200)
    grade9 = rng.randint(800, 2900)
    teachers = rng.randint(600, 1900)
    schools = rng.randint(40, 95)
    target = rng.choice(["70", "72,5", "75", "80"])           # decimal comma, as Excel writes
    return {
        "hs_lop_5": grade5,
        "ht_tieu_hoc": grade5 - rng.choice([0, 0, 1, 3, 8, 20]),
        "hs_lop_9": grade9,
        "tn_thcs": grade9 - rng.choice([0, 5, 12, 30, 60]),
        "gv_tong": teachers,
        "gv_dat_chuan": round(teachers * rng.uniform(0.78, 0.99)),
        "truong_tong": schools,
        "truong_chuan": round(schools * rng.uniform(0.6, 0.9)),
        "chi_tieu_truong_chuan": target,
        "pho_cap_muc_3": rng.choice([1, 1, 1, 0]),
        "giai_hsg_tinh": rng.randint(3, 30),
        "dang_ky_dung_han": rng.choice([1, 1, 1, 0]),
        "ke_hoach": 1,
        "dien_hinh": rng.randint(1, 6),
        "ho_so_dung_han": rng.choice([1, 1, 0]),
        "bao_cao_muon": rng.choice([0, 0, 1, 2, 7]),
        "vi_pham": rng.choice([0, 0, 0, 0, 1]),
    }


def main() -> None:
    rng = random.Random(2024)
    with open(HERE / "units.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit_id", "name", "cluster_id"])
        w.writerows(UNITS)
    with open(HERE / "measures.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit_id", "indicator", "value"])
        for unit_id, _, _ in UNITS:
            for indicator, value in measures(rng).items():
                w.writerow([unit_id, indicator, value])


if __name__ == "__main__":
    main()
