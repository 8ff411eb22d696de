"""The cluster-40 job (the peers' reference job, `rulesets/cluster-40.toml`) without the peers:
a deterministic data generator and an exact oracle, both written for this project.

The job: 40 criteria per unit, each rounded half-up to 2 decimals, the total their sum.
20 attainment criteria (group A): ratio = a_k/t_k, `3*min(ratio, 1) + 0.05*min(max(ratio-1, 0)*100, 10)`;
10 bands: v_k >= 95: 2, >= 90: 1.5, >= 80: 1, else 0; 5 booleans: b_k == 1: 2, else 0;
5 deductions: `-min(d_k*0.5, 2)`. Each cluster is ranked by total desc, group A desc,
deductions desc (less negative first), unit_id asc (numerically); the rank-1 unit is
flagged if its total is at least 81 and b_1 == 1.

`generate` writes data that lands on every edge of that job (half-cent values, ratio
exactly 1, zero actuals, band thresholds exactly, the flag threshold exactly) and plants
ties that only a later key of the ranking separates. `oracle` scores it with fractions;
`tie_breaks` and `edges` say, from the data alone, which of those the data really reaches.
"""

from __future__ import annotations

import csv
import functools
import itertools
import math
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

from oracle import rounded

ATTAINMENTS, BANDS, BOOLEANS, DEDUCTIONS = 20, 10, 5, 5
INDICATORS = ([f"t_{k}" for k in range(1, ATTAINMENTS + 1)] + [f"a_{k}" for k in range(1, ATTAINMENTS + 1)]
              + [f"v_{k}" for k in range(1, BANDS + 1)] + [f"b_{k}" for k in range(1, BOOLEANS + 1)]
              + [f"d_{k}" for k in range(1, DEDUCTIONS + 1)])
BAND_POINTS = ((Fraction(95), Fraction(2)), (Fraction(90), Fraction(3, 2)), (Fraction(80), Fraction(1)))
FLAG_TOTAL = 8100                  # cents: 90% of the 90 points of groups A, B and C
TIE_SHARE, THRESHOLD_SHARE = 0.15, 0.05         # of the clusters

# Unit names: Vietnamese offices and places, precomposed (NFC), never a comma or a quote.
OFFICES = ["Ủy ban nhân dân xã", "Phòng Giáo dục và Đào tạo huyện", "Bệnh viện Đa khoa",
           "Công an phường", "Chi cục Kiểm lâm", "Văn phòng Đăng ký đất đai", "Trạm Khuyến nông",
           "Trung tâm Văn hóa Thể thao", "Kho bạc Nhà nước", "Đội Quản lý thị trường số"]
PLACES = ["Tân Phú", "Mỹ Đức", "Quỳnh Lưu", "Hương Khê", "Đồng Văn", "Mù Cang Chải", "Phước Sơn",
          "Ea Súp", "Tây Hòa", "Thuận Châu", "Ngọc Hiển", "Bảo Lạc", "Kỳ Anh", "Điện Bàn",
          "Hòa Vang", "Nghĩa Hưng", "Ba Bể", "Đầm Hà", "Krông Nô", "Cù Lao Dung", "Ô Môn"]


# --- the generator -------------------------------------------------------------------------

def _value_text(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _target(rng: random.Random) -> int:
    """A target in cents: a round number, an arbitrary one, or a tiny one."""
    u = rng.random()
    if u < 0.5:
        return rng.choice([5, 8, 10, 15, 24, 30, 45, 60, 90, 100, 250, 400, 1000]) * 100
    if u < 0.95:
        return rng.randint(300, 300_000)
    return rng.randint(1, 150)


def _attainment_pair(rng: random.Random, kind: str) -> tuple[int, int]:
    """(target, actual) in cents for one attainment criterion of the given kind."""
    if kind == "half_cent_below":
        # a/t = n/600 with n odd, so 3*a/t = n/200 ends in exactly half a cent
        n = rng.randrange(1, 600, 2)
        g = math.gcd(n, 600)
        m = rng.randint(1, 40)
        return 600 // g * m, n // g * m
    if kind == "half_cent_bonus":
        # (a - t)/t = n/1000 with n odd and below the cap: the bonus 5*n/1000 ends in half a cent
        n = rng.randrange(1, 100, 2)
        g = math.gcd(n, 1000)
        m = rng.randint(1, 30)
        return 1000 // g * m, (1000 + n) // g * m
    if kind == "at_cap":
        m = rng.randint(1, 5000)
        return 10 * m, 11 * m                  # 10% over: the bonus is exactly its cap
    t = _target(rng)
    if kind == "met":
        return t, t                            # ratio exactly 1
    if kind == "zero":
        return t, 0
    if kind == "over_cap":
        return t, round(t * rng.uniform(1.1, 2.5))
    if kind == "weak":
        return t, round(t * rng.uniform(0.0, 0.6))
    return t, round(t * rng.uniform(0.55, 1.2))


ATTAINMENT_KINDS = ["plain"] * 62 + ["met"] * 9 + ["zero"] * 4 + ["half_cent_below"] * 10 + \
    ["half_cent_bonus"] * 6 + ["at_cap"] * 4 + ["over_cap"] * 5


def _band_value(rng: random.Random) -> int:
    u = rng.random()
    if u < 0.12:
        return rng.choice([8000, 9000, 9500, 10000])        # a threshold exactly (or the top)
    if u < 0.18:
        return rng.choice([7999, 8999, 9499])               # a cent below one
    return rng.randint(6000, 10000)


def _deduction_count(rng: random.Random) -> int:
    u = rng.random()
    if u < 0.7:
        return 0
    if u < 0.95:
        return rng.randint(1, 6) * 100                      # 4 and more reach the cap of 2
    return rng.randrange(1, 600, 2)                         # odd cents: half a cent deducted


def _unit(rng: random.Random, profile: str = "ordinary") -> dict[str, int]:
    """One unit's 60 indicator values in cents. "strong" units lead their cluster with a
    total far above 81; "weak" ones cannot reach 72."""
    values: dict[str, int] = {}
    for k in range(1, ATTAINMENTS + 1):
        if profile == "strong":
            kind = rng.choice(["met", "met", "at_cap", "half_cent_bonus", "over_cap"])
        elif profile == "weak":
            kind = "weak"
        else:
            kind = rng.choice(ATTAINMENT_KINDS)
        values[f"t_{k}"], values[f"a_{k}"] = _attainment_pair(rng, kind)
    for k in range(1, BANDS + 1):
        values[f"v_{k}"] = rng.randint(9500, 10000) if profile == "strong" else _band_value(rng)
    for k in range(1, BOOLEANS + 1):
        values[f"b_{k}"] = 100 if rng.random() < 0.9 else 0
    for k in range(1, DEDUCTIONS + 1):
        values[f"d_{k}"] = 0 if profile == "strong" else _deduction_count(rng)
    return values


def _threshold_unit(rng: random.Random, variant: int) -> dict[str, int]:
    """A unit whose total is 81.00 (variant 0), 80.99 (1), or 81.00 only because one
    criterion's 2.995 rounds up (2); b_1 == 1 in each."""
    values: dict[str, int] = {}
    special = rng.randint(1, ATTAINMENTS)
    for k in range(1, ATTAINMENTS + 1):
        m = rng.randint(1, 200)
        if k == special and variant == 1:
            values[f"t_{k}"], values[f"a_{k}"] = 300 * m, 299 * m            # 2.99
        elif k == special and variant == 2:
            values[f"t_{k}"], values[f"a_{k}"] = 600 * m, 599 * m            # 2.995 -> 3.00
        else:
            values[f"t_{k}"] = values[f"a_{k}"] = 600 * m                     # 3.00
    high = set(rng.sample(range(1, BANDS + 1), 5))                            # 5 x 2 + 5 x 1 = 15
    for k in range(1, BANDS + 1):
        values[f"v_{k}"] = rng.choice([9500, 9731, 10000]) if k in high else rng.choice([8000, 8500, 8999])
    passed = {1, *rng.sample(range(2, BOOLEANS + 1), 2)}                      # 3 x 2 = 6
    for k in range(1, BOOLEANS + 1):
        values[f"b_{k}"] = 100 if k in passed else 0
    for k in range(1, DEDUCTIONS + 1):
        values[f"d_{k}"] = 0
    return values                                                              # 60 + 15 + 6 = 81


def _plant_tie(rng: random.Random, kind: str, first: dict[str, int], second: dict[str, int]) -> None:
    """Give `second` the same total as `first`, separated only by the ranking's later keys:
    "unit_id" (identical values), "deductions" (same group A too: +1.00 of bands paid for
    with -1.00 of deductions), "group A" (1.00 less attainment, 1.00 more bands)."""
    if kind == "deductions":
        j, i = rng.randint(1, BANDS), rng.randint(1, DEDUCTIONS)
        first[f"v_{j}"], first[f"d_{i}"] = rng.choice([6500, 7999]), 0       # 0 points, no deduction
        second.update(first)
        second[f"v_{j}"], second[f"d_{i}"] = rng.choice([8000, 8500]), 200   # 1 point, -1.00
    elif kind == "group A":
        k, j = rng.randint(1, ATTAINMENTS), rng.randint(1, BANDS)
        target = 300 * rng.randint(1, 500)
        first[f"t_{k}"], first[f"a_{k}"] = target, target                    # 3.00
        first[f"v_{j}"] = rng.choice([8000, 8999])                            # 1 point
        second.update(first)
        second[f"a_{k}"] = target * 2 // 3                                    # 2.00
        second[f"v_{j}"] = rng.choice([9500, 10000])                          # 2 points
    else:
        second.update(first)


def _ordered_by_number_not_text(x: int, y: int) -> bool:
    return (x < y) != (str(x) < str(y))


def generate(folder: Path, units: int, seed: int) -> Path:
    """Write units.csv and measures.csv for `units` units (ids 1..units) into `folder`;
    the same (units, seed) always writes the same bytes. Returns `folder`."""
    rng = random.Random(seed)
    sizes: list[int] = []
    while sum(sizes) < units:
        sizes.append(min(rng.randint(8, 12), units - sum(sizes)))
    cluster_ids = rng.sample(range(1, len(sizes) + 1), len(sizes))      # not in unit order
    slots = [cluster_ids[c] for c, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(slots)
    cluster_of = dict(enumerate(slots, 1))                              # unit id -> cluster id
    members: dict[int, list[int]] = defaultdict(list)
    for uid, cluster in cluster_of.items():
        members[cluster].append(uid)

    values = {uid: _unit(rng) for uid in cluster_of}
    ties = thresholds = 0
    for cluster in sorted(members):
        uids = members[cluster]
        u = rng.random()
        if len(uids) >= 2 and u < TIE_SHARE:
            kind = ("unit_id", "deductions", "group A")[ties % 3]
            ties += 1
            pairs = [(x, y) for x in uids for y in uids if x < y]
            if kind == "unit_id" and any(_ordered_by_number_not_text(x, y) for x, y in pairs):
                pairs = [p for p in pairs if _ordered_by_number_not_text(*p)]   # 99 before 100
            first, second = rng.choice(pairs)
            if kind != "unit_id" and rng.random() < 0.5:
                first, second = second, first       # the unit ranked first has the larger id
            if rng.random() < 0.5:                  # the tie at the top decides the flag
                values[first] = _unit(rng, "strong")
            _plant_tie(rng, kind, values[first], values[second])
        elif u < TIE_SHARE + THRESHOLD_SHARE:
            leader = rng.choice(uids)
            for uid in uids:
                values[uid] = _unit(rng, "weak")
            values[leader] = _threshold_unit(rng, thresholds % 3)
            thresholds += 1

    folder.mkdir(parents=True, exist_ok=True)
    order = list(cluster_of)
    rng.shuffle(order)
    with (folder / "units.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["unit_id", "name", "cluster_id"])
        for uid in order:
            name = f"{rng.choice(OFFICES)} {rng.choice(PLACES)}"
            writer.writerow([uid, unicodedata.normalize("NFC", name), cluster_of[uid]])
    lines = [f"{uid},{name},{_value_text(values[uid][name])}\n" for uid in cluster_of for name in INDICATORS]
    rng.shuffle(lines)                                  # one unit's rows scattered over the file
    with (folder / "measures.csv").open("w", newline="", encoding="utf-8") as f:
        f.write("unit_id,indicator,value\n")
        f.writelines(lines)
    return folder


# --- the oracle ----------------------------------------------------------------------------

class Score(NamedTuple):
    """One unit's exact results, in cents of a point."""
    cluster: int
    total: int
    group_a: int
    deductions: int
    b1_met: bool


def attainment_points(a: Fraction, t: Fraction) -> Fraction:
    """3*min(a/t, 1) + 0.05*min(max(a/t - 1, 0)*100, 10), one branch at a time."""
    ratio = a / t
    if ratio <= 1:
        return 3 * ratio
    return 3 + min(Fraction(5, 100) * (ratio - 1) * 100, Fraction(1, 2))


def band_points(v: Fraction) -> Fraction:
    return next((points for at_least, points in BAND_POINTS if v >= at_least), Fraction(0))


def boolean_points(b: Fraction) -> Fraction:
    return Fraction(2) if b == 1 else Fraction(0)


def deduction_points(d: Fraction) -> Fraction:
    return -min(d * Fraction(1, 2), Fraction(2))


@functools.cache
def _exact(text: str) -> Fraction:
    return Fraction(Decimal(text))          # exact, and faster than Fraction(text)


@functools.cache
def _points(points: Callable[..., Fraction], *values: str) -> Fraction:
    """A criterion's exact points on the given value texts."""
    return points(*map(_exact, values))


@functools.cache
def _cents(points: Callable[..., Fraction], *values: str) -> int:
    """A criterion's points rounded half-up to 2 decimals, in cents."""
    return int(rounded(_points(points, *values), 2, "half-up").scaleb(2))


def read(folder: Path) -> tuple[dict[int, int], dict[int, dict[str, str]]]:
    """unit_id -> cluster_id, and unit_id -> {indicator: value text}, by the csv module."""
    with (folder / "units.csv").open(newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        assert next(rows) == ["unit_id", "name", "cluster_id"]
        clusters = {int(uid): int(cluster) for uid, _name, cluster in rows}
    measures: dict[int, dict[str, str]] = defaultdict(dict)
    with (folder / "measures.csv").open(newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        assert next(rows) == ["unit_id", "indicator", "value"]
        for uid, indicator, value in rows:
            measures[int(uid)][indicator] = value
    return clusters, measures


def scores(folder: Path) -> dict[int, Score]:
    clusters, measures = read(folder)
    out = {}
    for uid, cluster in clusters.items():
        m = measures[uid]
        group_a = sum(_cents(attainment_points, m[f"a_{k}"], m[f"t_{k}"]) for k in range(1, ATTAINMENTS + 1))
        bands = sum(_cents(band_points, m[f"v_{k}"]) for k in range(1, BANDS + 1))
        booleans = sum(_cents(boolean_points, m[f"b_{k}"]) for k in range(1, BOOLEANS + 1))
        deductions = sum(_cents(deduction_points, m[f"d_{k}"]) for k in range(1, DEDUCTIONS + 1))
        out[uid] = Score(cluster, group_a + bands + booleans + deductions, group_a, deductions,
                         _exact(m["b_1"]) == 1)
    return out


def ranking(table: dict[int, Score]) -> dict[int, list[int]]:
    """cluster -> its unit ids, best first."""
    members: dict[int, list[int]] = defaultdict(list)
    for uid, s in table.items():
        members[s.cluster].append(uid)
    for uids in members.values():
        uids.sort(key=lambda u: (-table[u].total, -table[u].group_a, -table[u].deductions, u))
    return members


def _text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def results(table: dict[int, Score]) -> list[tuple[str, str, str, str]]:
    rows = []
    for uids in ranking(table).values():
        for rank, uid in enumerate(uids, 1):
            s = table[uid]
            flag = rank == 1 and s.total >= FLAG_TOTAL and s.b1_met
            rows.append((uid, (str(uid), _text(s.total), str(rank), "1" if flag else "0")))
    return [row for _, row in sorted(rows)]


def oracle(folder: Path) -> list[tuple[str, str, str, str]]:
    """(unit_id, total, cluster_rank, flag "1"/"0") for every unit, by numeric unit_id."""
    return results(scores(folder))


def as_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    """Rows as the peers' results.csv (impl_decimal.py's write_results: LF, no quoting)."""
    return ("unit_id,total,cluster_rank,flag\n" + "".join(",".join(row) + "\n" for row in rows)).encode()


def oracle_csv(folder: Path) -> bytes:
    return as_csv(oracle(folder))


# --- what the data reaches -----------------------------------------------------------------

def tie_breaks(table: dict[int, Score]) -> Counter[str]:
    """How often each ranking key after the total separates two neighbours with equal
    totals ("group A", "deductions", "unit_id"); "... at the top" when that pair holds
    ranks 1 and 2 and both would be flagged at rank 1, so the key decides the flag."""
    found: Counter[str] = Counter()
    for uids in ranking(table).values():
        for place, (x, y) in enumerate(itertools.pairwise(uids)):
            sx, sy = table[x], table[y]
            if sx.total != sy.total:
                continue
            key = "group A" if sx.group_a != sy.group_a else \
                "deductions" if sx.deductions != sy.deductions else "unit_id"
            found[key] += 1
            if key == "unit_id" and _ordered_by_number_not_text(x, y):
                found["unit_id by number, not text"] += 1
            if place == 0 and sx.total >= FLAG_TOTAL and sx.b1_met and sy.b1_met:
                found[f"{key} at the top"] += 1
    return found


def _on_half_cent(x: Fraction) -> bool:
    """x * 100 ends in exactly one half."""
    return x.denominator // math.gcd(x.denominator, 100) == 2


def edges(folder: Path, table: dict[int, Score]) -> Counter[str]:
    """How often the data in `folder` (scored as `table`) sits exactly on each edge of the
    job's arithmetic."""
    _, texts = read(folder)
    found: Counter[str] = Counter()
    for m in texts.values():
        for k in range(1, ATTAINMENTS + 1):
            a, t = _exact(m[f"a_{k}"]), _exact(m[f"t_{k}"])
            points = _points(attainment_points, m[f"a_{k}"], m[f"t_{k}"])
            if _on_half_cent(points):
                found["attainment on half a cent, above target" if a > t else
                      "attainment on half a cent, below target"] += 1
            found["ratio exactly 1"] += a == t
            found["zero actual"] += a == 0
            found["bonus exactly at its cap"] += points == Fraction(7, 2) and a * 10 == t * 11
        for k in range(1, BANDS + 1):
            found["band value on a threshold"] += _exact(m[f"v_{k}"]) in (80, 90, 95, 100)
        for k in range(1, DEDUCTIONS + 1):
            found["deduction on half a cent"] += _on_half_cent(_points(deduction_points, m[f"d_{k}"]))
            found["deduction at its cap exactly"] += _exact(m[f"d_{k}"]) == 4
    for uids in ranking(table).values():
        leader = table[uids[0]]
        if leader.b1_met and leader.total == FLAG_TOTAL:
            found["leader at 81.00"] += 1
        if leader.b1_met and leader.total == FLAG_TOTAL - 1:
            found["leader at 80.99"] += 1
        if not leader.b1_met and leader.total >= FLAG_TOTAL:
            found["leader above 81 without b_1"] += 1
    return found
