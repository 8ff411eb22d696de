"""`emuscore report` without a browser: the council's minutes, the public/internal split,
and the output folder written whole, never over the record it is made from."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import edit_record_file, older_record, rows
from emuscore import parse_ruleset, run
from emuscore.audit.record import write_record
from emuscore.cli import main
from emuscore.manager import default_registry
from emuscore.problems import RulesetError
from emuscore.report import html as report_html

SHEET = '''
[ruleset]
id = "t"
title = "Bảng chấm điểm thử"
version = "1"
scale = 2
rounding = "half-up"

[[groups]]
id = "g"
max = 100

[[criteria]]
id = "diem"
title = "Điểm hoàn thành nhiệm vụ"
group = "g"
scorer = "bands"
max = 10
value = "v"
thresholds = [{ at_least = 90, points = 10 }, { at_least = 50, points = 5 }]

[ranking]
order = ["total desc"]
'''
AWARDS = '''
[[gates]]
id = "khong_ky_luat"
title = "Không có cán bộ bị kỷ luật"
indicator = "ky_luat"
at_most = 0

[[awards]]
id = "co"
title = "Cờ thi đua của Ủy ban nhân dân tỉnh"
per_cluster = 1
requires = { gates = ["khong_ky_luat"] }

[publication]
objection_days = 10
'''


@pytest.fixture
def record_path(tmp_path: Path) -> Path:
    """Cluster k1: u1 leads but has a disciplined member, so u2 gets the flag. Cluster
    k2: u3 and u4 are equal on every ranking key, so their tie goes to the council."""
    data = rows([{"v": 95, "ky_luat": 1}, {"v": 92, "ky_luat": 0}, {"v": 95, "ky_luat": 0},
                 {"v": 95, "ky_luat": 0}], clusters=["k1", "k1", "k2", "k2"])
    path = tmp_path / "run.json"
    write_record(run(parse_ruleset(SHEET + AWARDS), data), path, default_registry())
    return path


def report(*args: object) -> tuple[int, str]:
    done = CliRunner().invoke(main, ["report", *map(str, args)])
    return done.exit_code, done.output


def test_minutes_list_the_proposals_the_units_passed_over_and_why_and_the_ties(
        record_path: Path, tmp_path: Path) -> None:
    code, _ = report(record_path, "--markdown", tmp_path / "bien-ban.md", "--published", "2025-03-03")
    assert code == 0
    text = (tmp_path / "bien-ban.md").read_text("utf-8")
    _, proposals, passed, ties = text.split("\n## ")
    assert "Cờ thi đua của Ủy ban nhân dân tỉnh: 1 đơn vị" in proposals
    assert "| 1 | unit 2 (u2) | k1 | 10,00 |" in proposals
    # the reasons in Vietnamese, like the minutes around them
    assert ("unit 1 (u1, cụm k1, hạng 1, 10,00 điểm): không đạt điều kiện khong\\_ky\\_luat "
            "(Không có cán bộ bị kỷ luật): ky\\_luat = 1") in passed
    assert "unit 3 (u3" in ties and "unit 4 (u4" in ties
    assert ("đồng hạng ở vị trí 1 (cụm k2) giữa u3, u4 cho 1 suất còn lại; thứ tự xếp hạng không "
            "phân định được, nên Hội đồng quyết định") in ties
    # u2 shares rank 1 with u1 (10 points each); the gate by its title, the total with a comma
    assert ("| 1 | unit 2 (u2) | k1 | 10,00 | hạng 1 cụm k1; tổng điểm 10,00; đạt điều kiện: "
            "Không có cán bộ bị kỷ luật |") in proposals
    # 3 Mar 2025 + 10 working days: 4–7, 10–14, 17 March (no holiday; by hand)
    assert "hạn góp ý hết ngày 17/03/2025" in text


def test_the_public_page_names_a_tie_but_not_why_a_unit_failed_a_gate(
        record_path: Path, tmp_path: Path) -> None:
    assert report(record_path, "--html", tmp_path / "public")[0] == 0
    assert report(record_path, "--html", tmp_path / "internal", "--internal")[0] == 0
    public = (tmp_path / "public" / "index.html").read_text("utf-8")
    internal = (tmp_path / "internal" / "index.html").read_text("utf-8")
    assert "ky_luat = 1" not in public and "ky_luat = 1" in internal
    assert "chưa đáp ứng điều kiện xét khen thưởng" in public
    assert "đồng hạng, để Hội đồng quyết định" in public
    # the recorded reason of the tie, in Vietnamese like the page
    assert "đồng hạng ở vị trí 1 (cụm k2) giữa u3, u4 cho 1 suất còn lại" in public
    assert "tied at place" not in public


def test_an_older_records_tie_is_found_by_its_english_words_and_quoted_as_stored(
        record_path: Path, tmp_path: Path) -> None:
    old = older_record(record_path, tmp_path / "old.json")
    assert report(old, "--html", tmp_path / "public", "--markdown", tmp_path / "bien-ban.md")[0] == 0
    public = (tmp_path / "public" / "index.html").read_text("utf-8")
    assert "đồng hạng, để Hội đồng quyết định – tied at place 1 (cluster k2) with u3, u4" in public
    assert "ky_luat = 1" not in public
    ties = (tmp_path / "bien-ban.md").read_text("utf-8").split("\n## ")[3]
    assert "tied at place 1 (cluster k2) with u3, u4 for 1 remaining slot(s)" in ties


def test_the_page_is_self_contained(record_path: Path, tmp_path: Path) -> None:
    report(record_path, "--html", tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text("utf-8")
    for outside in ("http://", "https://", "src=", "@import", "url("):
        assert outside not in page


def test_an_existing_report_is_replaced_whole(record_path: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("old", "utf-8")
    assert report(record_path, "--html", site)[0] == 0
    assert sorted(p.name for p in site.iterdir()) == ["annex.html", "index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json", "site"]


def test_a_failure_while_building_leaves_the_old_report_and_no_debris(
        record_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    assert report(record_path, "--html", site)[0] == 0
    before = (site / "index.html").read_bytes()

    def broken(_: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(report_html, "render_annex", broken)
    assert report(record_path, "--html", site, "--published", "2030-01-02")[0] != 0
    assert (site / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json", "site"]


def test_a_failed_print_writes_none_of_the_outputs_and_keeps_the_old_ones(
        record_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # page, minutes and annex appear together or not at all: the annex is printed (by
    # Chromium, the step most likely to fail) before anything is put in place
    from emuscore.problems import EmuscoreError
    from emuscore.report import pdf as report_pdf

    site, minutes = tmp_path / "site", tmp_path / "bien-ban.md"
    assert report(record_path, "--html", site, "--markdown", minutes)[0] == 0
    before = {p: p.read_bytes() for p in (site / "index.html", minutes)}

    def broken(_html: str, timeout: float = 120) -> bytes:
        raise EmuscoreError("chromium printed no PDF")

    monkeypatch.setattr(report_pdf, "pdf_of", broken)
    code, output = report(record_path, "--html", site, "--markdown", minutes,
                          "--pdf", tmp_path / "phu-luc.pdf", "--published", "2030-01-02")
    assert code == 1 and "chromium printed no PDF" in output
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bien-ban.md", "run.json", "site"]
    assert sorted(p.name for p in site.iterdir()) == ["annex.html", "index.html"]


@pytest.mark.parametrize("where", ["--markdown", "--pdf"])
def test_no_output_is_written_over_the_record(record_path: Path, where: str) -> None:
    before = record_path.read_bytes()
    code, output = report(record_path, where, record_path)
    assert code == 1 and output.startswith("error: ") and output.count("\n") == 1
    assert record_path.read_bytes() == before


def test_a_report_folder_holding_the_record_is_refused(record_path: Path) -> None:
    code, output = report(record_path, "--html", record_path.parent)
    assert code == 1 and "holds the run record" in output
    assert json.loads(record_path.read_text("utf-8"))["format"] == "emuscore-record/2"


def test_an_edited_record_is_refused_in_one_line(record_path: Path, tmp_path: Path) -> None:
    edit_record_file(record_path, "results", "10.00", "11.00")
    code, output = report(record_path, "--html", tmp_path / "site")
    assert code != 0 and "edited after it was written" in output and output.count("\n") == 1
    assert not (tmp_path / "site").exists()


def test_a_bad_publication_date_is_a_usage_error(record_path: Path, tmp_path: Path) -> None:
    code, output = report(record_path, "--html", tmp_path / "s", "--published", "20/01/2025")
    assert code == 2 and "YYYY-MM-DD" in output


def test_today_is_the_default_publication_date(record_path: Path, tmp_path: Path) -> None:
    report(record_path, "--html", tmp_path / "s")
    assert f"{dt.date.today():%d/%m/%Y}" in (tmp_path / "s" / "index.html").read_text("utf-8")


def test_a_ruleset_may_publish_less_and_the_internal_page_still_shows_all(tmp_path: Path) -> None:
    rules = parse_ruleset(SHEET + AWARDS + 'public = ["classes"]\n')
    data = rows([{"v": 95, "ky_luat": 0}, {"v": 60, "ky_luat": 0}], clusters=["k1", "k1"])
    path = tmp_path / "run.json"
    write_record(run(rules, data), path, default_registry())
    assert report(path, "--html", tmp_path / "public")[0] == 0
    assert report(path, "--html", tmp_path / "internal", "--internal")[0] == 0
    public = (tmp_path / "public" / "index.html").read_text("utf-8")
    internal = (tmp_path / "internal" / "index.html").read_text("utf-8")
    for hidden in ("10,00", "5,00", "Tổng điểm", "Điểm hoàn thành nhiệm vụ", "<svg"):
        assert hidden not in public and hidden in internal


def test_an_unknown_public_part_is_a_ruleset_error() -> None:
    with pytest.raises(RulesetError, match=r"publication\.public: unknown part 'total'; did you mean"):
        parse_ruleset(SHEET + AWARDS + 'public = ["total"]\n')


def test_pdf_without_chromium_says_how_to_install_it(record_path: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMUSCORE_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))          # no browser on it
    code, output = report(record_path, "--pdf", tmp_path / "phu-luc.pdf")
    assert code == 1 and output.count("\n") == 1
    assert "apt-get install chromium" in output
    assert not (tmp_path / "phu-luc.pdf").exists()


def test_above_2000_units_the_page_leaves_out_the_breakdowns(tmp_path: Path) -> None:
    rules = parse_ruleset(SHEET + AWARDS)
    data = rows([{"v": 50 + i % 50, "ky_luat": 0} for i in range(2001)],
                clusters=[f"k{i % 40}" for i in range(2001)])
    path = tmp_path / "run.json"
    write_record(run(rules, data), path, default_registry())
    assert report(path, "--html", tmp_path / "site")[0] == 0
    page = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "<details>" not in page and "trên 2.000 đơn vị" in page
    assert page.count('<tr data-unit="u') >= 2001              # every unit still ranked
