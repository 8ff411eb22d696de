"""`emuscore diff-rules OLD NEW`: each kind of change a council member must know about is
one line in words (criteria added, removed, re-weighted, scored differently; thresholds,
classes, ranking, conditions, award quotas, objection period); a ruleset compared with a
copy that differs only in comments and layout shows no change and exits 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from emuscore.cli import main

SHEET = (ROOT / "rulesets" / "commune-2025.toml").read_text(encoding="utf-8")


def diff(tmp_path: Path, old: str, new: str, *args: str) -> tuple[int, list[str]]:
    (tmp_path / "old.toml").write_text(old, encoding="utf-8")
    (tmp_path / "new.toml").write_text(new, encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "diff-rules", str(tmp_path / "old.toml"),
                                       str(tmp_path / "new.toml")])
    return result.exit_code, result.output.splitlines()


def test_only_comments_and_layout_changed_is_no_change(tmp_path: Path) -> None:
    reworded = "\n".join(line for line in SHEET.splitlines() if not line.startswith("#")) + "\n"
    code, lines = diff(tmp_path, SHEET, reworded.replace("max = 6\n", "max   =   6.0\n"))
    assert code == 0
    assert lines[1:] == ["no change that affects scores, ranks or awards"]


CHANGES = {
    "re-weighted": (("id = \"truc_tuyen\"", "max = 7"), ("id = \"truc_tuyen\"", "max = 9"),
                    "criterion re-weighted: Tỷ lệ hồ sơ nộp trực tuyến toàn trình (%) (truc_tuyen), "
                    "7 → 9 points"),
    "threshold": (("{ at_least = 98, points = 8 }",), ("{ at_least = 99, points = 8 }",),
                  "criterion scored differently: Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn (%) "
                  "(tthc_dung_han): thresholds 1, at_least: 98 → 99"),
    "a band added": (("{ at_least = 90, points = 5 },",),
                     ("{ at_least = 90, points = 5 },\n  { at_least = 80, points = 2 },",),
                     "criterion scored differently: Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn (%) "
                     "(tthc_dung_han): thresholds: [{points = 8, at_least = 98}, "
                     "{points = 7, at_least = 95}, {points = 5, at_least = 90}] → "
                     "[{points = 8, at_least = 98}, {points = 7, at_least = 95}, "
                     "{points = 5, at_least = 90}, {points = 2, at_least = 80}]"),
    "quota": (("per_cluster = 2",), ("per_cluster = 3",),
              "award quota or requirements changed: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (bang_khen): "
              "per_cluster: 2 → 3"),
    "share": (("share = 0.20",), ("share = 0.15",),
              "award quota or requirements changed: Cờ thi đua của Chính phủ (co_chinh_phu): "
              "share: 0.2 → 0.15"),
    "class": (('{ label = "xuất sắc", min_total = 90,',), ('{ label = "xuất sắc", min_total = 92,',),
              "class thresholds changed: xuất sắc: min_total: 90 → 92"),
    "objection days": (("objection_days = 10",), ("objection_days = 15",),
                       "objection period changed: 10 → 15 working days"),
    "group": (('id = "an_ninh"\ntitle = "Quốc phòng, an ninh, trật tự an toàn xã hội"\nmax = 5',),
              ('id = "an_ninh"\ntitle = "Quốc phòng, an ninh, trật tự an toàn xã hội"\nmax = 10',),
              "group re-weighted: Quốc phòng, an ninh, trật tự an toàn xã hội (an_ninh), "
              "at most 5 → 10 points"),
}


def apply(text: str, anchors: tuple[str, ...], replacement: tuple[str, ...]) -> str:
    """Replace the last of `anchors` (found after the ones before it) with the last of `replacement`."""
    at = 0
    for anchor in anchors[:-1]:
        at = text.index(anchor, at)
    where = text.index(anchors[-1], at)
    return text[:where] + replacement[-1] + text[where + len(anchors[-1]):]


@pytest.mark.parametrize("kind", list(CHANGES))
def test_each_change_is_one_line_in_words(kind: str, tmp_path: Path) -> None:
    anchors, replacement, expected = CHANGES[kind]
    code, lines = diff(tmp_path, SHEET, apply(SHEET, anchors, replacement))
    assert code == 1
    assert lines[0].endswith("(commune-2025 2025.1)")
    assert lines[1:] == [f"  {expected}"]


def test_criteria_added_and_removed_are_named_with_their_points(tmp_path: Path) -> None:
    start = SHEET.index("[[criteria]]\nid = \"dien_hinh\"")
    end = SHEET.index("[[criteria]]", start + 1)
    removed = SHEET[:start] + SHEET[end:]
    added = removed.replace("[classification]", '''[[criteria]]
id = "chuyen_doi_so"
group = "cai_cach"
title = "Chuyển đổi số"
scorer = "pass_fail"
max = 3
value = "truc_tuyen"

[classification]''')
    code, lines = diff(tmp_path, SHEET, added)
    assert code == 1
    assert lines[1:] == [
        "  criterion added: Chuyển đổi số (chuyen_doi_so), 3 points, in group cai_cach, scored by pass_fail",
        "  criterion removed: Điển hình tiên tiến được phát hiện, bồi dưỡng, nhân rộng (dien_hinh) "
        "(was 4 points)"]


def test_the_2024_province_sheet_against_the_2025_commune_sheet_lists_the_reform(tmp_path: Path) -> None:
    old = (ROOT / "rulesets" / "lang-son-2024.toml").read_text(encoding="utf-8")
    code, lines = diff(tmp_path, old, SHEET)
    assert code == 1
    assert "  in force: 2024-01-01 to 2024-12-31 → 2025-07-01 to 2025-12-31" in lines
    assert "  group added: Vận hành chính quyền địa phương hai cấp (chinh_quyen), at most 20 points" in lines
    assert "  award removed: Cờ thi đua của Ủy ban nhân dân tỉnh (provincial_flag)" in lines


def test_in_vietnamese(tmp_path: Path) -> None:
    code, lines = diff(tmp_path, SHEET, SHEET.replace("objection_days = 10", "objection_days = 15"),
                       "--lang", "vi")
    assert code == 1
    assert lines[1:] == ["  thời hạn nhận ý kiến thay đổi: 10 → 15 ngày làm việc"]
