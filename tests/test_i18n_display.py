"""The interface language is a matter of display only: `score`, `explain` and `diff` speak
Vietnamese under `--lang vi`, the stored reasons too (a record keeps them as message ids and
arguments), while every file a run writes (the run record, the final record, the results
CSV) is the same byte for byte whatever the language, so that a record made on a Vietnamese
desktop replays as the same on an English one. A record of the older kind, whose reasons
are English text, is read and shown as it is.

The expected words are the glossary's (docs/translating.md), written here by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import older_record
from emuscore.cli import main

ROOT = Path(__file__).resolve().parents[1]
RULESET = ROOT / "rulesets" / "lang-son-2024.toml"
DATA = ROOT / "rulesets" / "lang-son-2024"
COUNCIL = ROOT / "rulesets" / "lang-son-2024-council"
EXCELLENT, GOOD = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
"""The example's two best classes, in the board's words as its sheet writes them."""
UNIT = "DV002"      # in the council example: its values adjusted, then a tie ruled against it


def emuscore(*args: str | Path, status: int = 0) -> str:
    out = CliRunner().invoke(main, [str(a) for a in args])
    assert out.exit_code == status, out.output
    return out.output


def score_and_finalize(folder: Path, lang: str) -> dict[str, Path]:
    """The proposal record, the results CSV and the final record written under `lang`."""
    folder.mkdir()
    files = {"record": folder / "proposal.json", "csv": folder / "results.csv",
             "final": folder / "final.json"}
    emuscore("--lang", lang, "score", RULESET, DATA, "--quiet", "--record", files["record"],
             "--out", files["csv"])
    emuscore("--lang", lang, "finalize", files["record"], "--adjustments",
             COUNCIL / "adjustments.csv", "--rulings", COUNCIL / "rulings.csv", "--ballots",
             COUNCIL / "ballots.csv", "--published", "2025-01-02", "--decided", "2025-01-20",
             "--record", files["final"])
    return files


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    base = tmp_path_factory.mktemp("runs")
    return {lang: score_and_finalize(base / lang, lang) for lang in ("vi", "en")}


@pytest.mark.parametrize("kind", ["record", "csv", "final"])
def test_what_a_run_writes_does_not_depend_on_the_interface_language(
        runs: dict[str, dict[str, Path]], kind: str) -> None:
    vi, en = runs["vi"][kind].read_bytes(), runs["en"][kind].read_bytes()
    assert vi == en
    if kind != "csv":   # the stored reasons: message ids, exact arguments, the English beside
        assert b'"id":"no unit of the cluster was eligible; the best, {unit} (rank {rank}): ' \
               b'{reason}"' in en
        assert b"no unit of the cluster was eligible; the best, DV038 (rank 1): " in en
        assert "không có đơn vị nào".encode() not in en


def test_a_record_written_in_vietnamese_replays_as_the_same_in_english(
        runs: dict[str, dict[str, Path]]) -> None:
    out = CliRunner().invoke(main, ["--lang", "en", "replay", str(runs["vi"]["final"])])
    assert out.exit_code == 0, out.output


def test_explain_speaks_vietnamese_under_lang_vi(runs: dict[str, dict[str, Path]]) -> None:
    vi = emuscore("--lang", "vi", "explain", runs["en"]["final"], UNIT).splitlines()
    assert vi[0] == "hồ sơ cuối cùng: quyết định của Hội đồng ngày 2025-01-20 về đề nghị " + \
        vi[0].rsplit(" ", 1)[1]
    assert vi[1] == "đơn vị DV002: Ủy ban nhân dân huyện Cao Lộc, cụm K01-huyen-thanh-pho"
    assert vi[2].startswith("tổng điểm ") and f", xếp loại {EXCELLENT}, hạng " in vi[2]
    for heading in ("điều chỉnh trên dữ liệu của năm:", "tiêu chí:", "tổng hợp điểm:"):
        assert heading in vi
    assert any(line.startswith("  dang_ky_thi_dua (") and "[nhóm tiêu chí to_chuc, " in line
               for line in vi)
    assert any(line.startswith("    số liệu đầu vào: ") for line in vi)
    assert any("điểm (làm tròn half-up đến 2 chữ số thập phân" in line for line in vi)
    assert any(line.startswith("cụm K01-huyen-thanh-pho (xếp hạng theo: ") for line in vi)
    assert any(line.startswith("    hạng  đơn vị") and line.endswith("xếp loại / khen thưởng")
               for line in vi)
    assert any(line.startswith("khen thưởng provincial_flag") for line in vi)
    # the stored reasons in Vietnamese too: the ruling the council wrote stays its own words
    assert ("khen thưởng provincial_flag (Cờ thi đua của Ủy ban nhân dân tỉnh): không được đề "
            "nghị: Hội đồng quyết định chọn DV011 thay vì DV002 trong trường hợp đồng hạng ở vị "
            "trí 1: Biên bản số 12: ") in "\n".join(vi)
    assert any(line.startswith("khen thưởng certificate_of_merit (") and line.endswith(
        f": được đề nghị (hạng 1 cụm K01-huyen-thanh-pho; tổng điểm 98.36; xếp loại {EXCELLENT}; "
        "đạt điều kiện: khong_vi_pham, khong_ky_luat)") for line in vi)
    # the frame's English words are gone, and so are the stored reasons'
    for english in ("criteria:", "totals:", "inputs:", " points (rounded", "classification:",
                    "the council ruled", " in cluster ", "passes "):
        assert not any(english in line for line in vi), english
    assert not any(line.startswith(("unit ", "cluster ", "award ")) for line in vi)
    en = emuscore("--lang", "en", "explain", runs["en"]["final"], UNIT).splitlines()
    assert "criteria:" in en and "totals:" in en
    assert en[1] == "unit DV002: Ủy ban nhân dân huyện Cao Lộc, cluster K01-huyen-thanh-pho"


def test_diff_speaks_vietnamese_under_lang_vi(runs: dict[str, dict[str, Path]]) -> None:
    files = runs["en"]
    vi = emuscore("--lang", "vi", "diff", files["record"], files["final"],
                  status=1).splitlines()
    assert vi[0] == f"các điều chỉnh áp dụng trong {files['final']}:"
    assert "6 đơn vị được chấm khác:" in vi
    header = next(line for line in vi if line.startswith("  đơn vị  cụm"))
    assert header.split() == ["đơn", "vị", "cụm", "tổng", "điểm", "hạng", "xếp", "loại", "/",
                              "khen", "thưởng"]
    assert any(line.startswith("khen thưởng - government_flag: đơn vị DV200 (bị mất): ")
               for line in vi)
    assert any(line.startswith("không được đề nghị provincial_flag chỉ trong ") for line in vi)
    # the reasons the records hold, said in Vietnamese
    assert ("khen thưởng - government_flag: đơn vị DV200 (bị mất): không đạt khi Hội đồng bỏ "
            "phiếu: 8 đồng ý, 2 không đồng ý, 10 thành viên; 8/10 số thành viên = 0.8 < 0.9 theo "
            "yêu cầu") in vi
    assert ("khen thưởng + provincial_flag: đơn vị DV101 (được thêm): hạng 2 cụm "
            f"K10-dn-xuat-nhap-khau; tổng điểm 98.36; xếp loại {EXCELLENT}; đạt điều kiện: "
            "khong_vi_pham, khong_ky_luat") in vi
    assert f"ghi chú về government_flag chỉ có trong {files['final']}: suất của DV200 để trống: " \
        "không đạt khi Hội đồng bỏ phiếu: 8 đồng ý, 2 không đồng ý, 10 thành viên; 8/10 số " \
        "thành viên = 0.8 < 0.9 theo yêu cầu" in vi
    assert not any("fell at" in line or "ballot:" in line for line in vi)
    en = emuscore("--lang", "en", "diff", files["record"], files["final"],
                  status=1).splitlines()
    assert "6 unit(s) scored differently:" in en
    assert ("award - government_flag: unit DV200 (lost): fell at the council's ballot: 8 yes, "
            "2 no, 10 members; 8/10 of the members = 0.8 < 0.9 required") in en


def test_score_lists_the_reasons_in_vietnamese_under_lang_vi() -> None:
    vi = emuscore("--lang", "vi", "score", RULESET, DATA, "-q").splitlines()
    assert (f"  DV011: hạng 1 cụm K01-huyen-thanh-pho; tổng điểm 98.36; xếp loại {EXCELLENT}; "
            "đạt điều kiện: khong_vi_pham, khong_ky_luat") in vi
    assert (f"  DV069: hạng 1 cụm K08-co-quan-trung-uong; tổng điểm 112.41; xếp loại {EXCELLENT}; "
            "thuộc nhóm dẫn đầu (tỷ lệ 0.20) trong số đơn vị được đề nghị provincial_flag; đạt "
            "điều kiện: khong_vi_pham, khong_ky_luat") in vi
    assert ("  ! K04-noi-chinh: không có đơn vị nào của cụm đủ điều kiện; đơn vị đứng đầu, DV038 "
            f"(hạng 1): xếp loại '{GOOD}', chưa đạt '{EXCELLENT}' trở lên") in vi
    for english in (" in cluster ", "classified", "no unit of the cluster", "failed:"):
        assert not any(english in line for line in vi), english
    en = emuscore("--lang", "en", "score", RULESET, DATA, "-q").splitlines()
    assert ("  ! K04-noi-chinh: no unit of the cluster was eligible; the best, DV038 (rank 1): "
            f"classified '{GOOD}', not '{EXCELLENT}' or better") in en


def test_an_older_record_with_text_reasons_is_read_and_shows_them_as_stored(
        runs: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    proposal = older_record(runs["en"]["record"], tmp_path / "old-proposal.json")
    final = older_record(runs["en"]["final"], tmp_path / "old-final.json")
    vi = emuscore("--lang", "vi", "diff", proposal, final, status=1).splitlines()
    assert ("khen thưởng - government_flag: đơn vị DV200 (bị mất): fell at the council's "
            "ballot: 8 yes, 2 no, 10 members; 8/10 of the members = 0.8 < 0.9 required") in vi
    # the minutes quote an older record's reasons as stored
    emuscore("--lang", "vi", "report", proposal, "--markdown", tmp_path / "bien-ban.md",
             "--published", "2025-01-02", "-q")
    passed = (tmp_path / "bien-ban.md").read_text("utf-8").split("## 2. ")[1]
    assert f"classified '{GOOD}', not '{EXCELLENT}' or better" in passed
    assert f"xếp loại '{GOOD}'" not in passed
    # against today's record of the same run, each message reads as the older text: the same
    mixed = emuscore("--lang", "en", "diff", proposal, runs["en"]["record"], status=0)
    assert mixed.startswith("same inputs and results")
    # and the older record replays as identical on the plugins of today
    assert emuscore("replay", proposal, status=0).startswith("identical ")
    assert emuscore("replay", final, status=0).startswith("identical ")
