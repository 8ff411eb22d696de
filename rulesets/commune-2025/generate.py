#!/usr/bin/env python3
"""Regenerate the FICTIONAL sample data of rulesets/commune-2025.toml (stdlib only, seeded).

    python3 rulesets/commune-2025/generate.py [--out DIR]

writes units.csv (unit_id, name, cluster_id) and measures.csv (unit_id, indicator, value)
beside this script: 114 communes, wards and special zones in 15 clusters of 6 to 9, as a
province has them since 1 July 2025. Place names are invented from common Vietnamese
place-name words; every figure is made up. A few units are planted so the example shows
what a secretariat meets: a cluster leader barred by a disciplined cadre (the next
excellent unit gets the flag) and a cluster whose best unit is only "tốt".
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

SEED = 2025
HERE = Path(__file__).resolve().parent
SIZES = [9, 8, 8, 7, 6, 9, 8, 7, 7, 8, 6, 9, 7, 8, 7]           # 114 units in 15 clusters
WORDS = ["An", "Bình", "Hòa", "Tân", "Phú", "Thịnh", "Hưng", "Long", "Thành", "Minh", "Quang",
         "Đông", "Tây", "Nam", "Bắc", "Trung", "Hải", "Sơn", "Lâm", "Thủy", "Vĩnh", "Phong",
         "Hồng", "Kiến", "Lạc", "Tiên", "Cát", "Đồng", "Hà", "Yên"]
KINDS = ["Phường", "Xã"]
BARRED_CLUSTER, GOOD_ONLY_CLUSTER = 3, 7


def names(rng: random.Random) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < sum(SIZES):
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
        if name not in seen and name.split()[0] != name.split()[1]:
            seen.add(name)
            out.append(name)
    return out


def measures(rng: random.Random, strength: float) -> dict[str, object]:
    """One unit's indicators; `strength` in [0, 1] moves every figure together."""
    def pct(low: float, high: float) -> float:
        return round(low + (high - low) * min(1.0, max(0.0, strength + rng.uniform(-0.15, 0.1))), 1)

    target = rng.randrange(8_000, 60_000, 500)
    dossiers = rng.randint(0, 12)
    awards = rng.randint(5, 40)
    return {
        "sap_xep_bo_may": int(strength > 0.15 or rng.random() < 0.5),
        "trung_tam_hcc": int(strength > 0.25 or rng.random() < 0.5),
        "hai_long": pct(78, 99),
        "thu_ngan_sach": round(target * pct(0.85, 1.12)),
        "thu_ngan_sach_kh": target,
        "giai_ngan": pct(70, 100),
        "giai_ngan_kh": 95,
        "ho_ngheo": round(rng.uniform(0.5, 4.0) * pct(0.9, 1.3) / 1.1, 2),
        "ho_ngheo_kh": round(rng.uniform(0.8, 4.0), 2),
        "nong_thon_moi": int(strength > 0.2 or rng.random() < 0.7),
        "tthc_dung_han": pct(88, 100),
        "truc_tuyen": pct(35, 92),
        "dang_ky_giao_uoc": int(rng.random() < 0.95),
        "so_hoi_nghi": rng.choice([1, 2, 2, 2, 3]),
        "dien_hinh": rng.randint(1, 6),
        "ho_so_tong": dossiers,
        "ho_so_dung_han": max(0, dossiers - (rng.random() < 0.3 - strength / 4) * rng.randint(1, 2)),
        "khen_co_so": round(awards * pct(0.55, 0.9)),
        "khen_tong": awards,
        "an_ninh_trat_tu": int(rng.random() < 0.95),
        "bao_cao_muon": rng.choice([0, 0, 0, 1, 2]),
        "can_bo_ky_luat": int(rng.random() < 0.05),
        "vi_pham_nghiem_trong": 0,
        "khen_thuong_tw": int(rng.random() < 0.08),
    }


def generate(out: Path) -> None:
    rng = random.Random(SEED)
    pool = names(rng)
    units, rows = [], []
    n = 0
    for c, size in enumerate(SIZES, 1):
        cluster = f"C{c:02d}"
        for i in range(size):
            n += 1
            unit = f"X{n:03d}"
            kind = "Đặc khu" if c == len(SIZES) and i == 0 else KINDS[(c + i) % 2]
            units.append((unit, f"{kind} {pool[n - 1]}", cluster))
            strength = 0.35 if c == GOOD_ONLY_CLUSTER else 0.95 - 0.8 * i / size
            values = measures(rng, strength)
            if c == BARRED_CLUSTER and i == 0:          # the leader, with a disciplined cadre
                values["can_bo_ky_luat"] = 1
            rows += [(unit, k, v) for k, v in values.items()]
    with (out / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit_id", "name", "cluster_id"])
        w.writerows(units)
    with (out / "measures.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit_id", "indicator", "value"])
        w.writerows(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    generate(parser.parse_args().out)
