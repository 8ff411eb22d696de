"""The interface language is a matter of display only: `explain` and `diff` speak
Vietnamese under `--lang vi`, while every file a run writes (the run record, the final
record, the results CSV) is the same byte for byte whatever the language, so that a record
made on a Vietnamese desktop replays as the same on an English one.

The expected words are the glossary's (docs/translating.md), written here by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from emuscore.cli import main

ROOT = Path(__file__).resolve().parents[1]
RULESET = ROOT / "rulesets" / "lang-son-2024.toml"
DATA = ROOT / "rulesets" / "lang-son-2024"
COUNCIL = ROOT / "rulesets" / "lang-son-2024-council"
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
    if kind != "csv":   # the stored reasons are English, the message ids of a later design
        assert b"no unit of the cluster was eligible" in en


def test_a_record_written_in_vietnamese_replays_as_the_same_in_english(
        runs: dict[str, dict[str, Path]]) -> None:
    out = CliRunner().invoke(main, ["--lang", "en", "replay", str(runs["vi"]["final"])])
    assert out.exit_code == 0, out.output


def test_explain_speaks_vietnamese_under_lang_vi(runs: dict[str, dict[str, Path]]) -> None:
    vi = emuscore("--lang", "vi", "explain", runs["en"]["final"], UNIT).splitlines()
    assert vi[0] == "hồ sơ cuối cùng: quyết định của Hội đồng ngày 2025-01-20 về đề nghị " + \
        vi[0].rsplit(" ", 1)[1]
    assert vi[1] == "đơn vị DV002: Ủy ban nhân dân huyện Cao Lộc, cụm K01-huyen-thanh-pho"
    assert vi[2].startswith("tổng điểm ") and ", xếp loại excellent, hạng " in vi[2]
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
    # the frame's English words are gone (the stored reasons it quotes stay as recorded)
    for english in ("criteria:", "totals:", "inputs:", " points (rounded", "classification:"):
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
    en = emuscore("--lang", "en", "diff", files["record"], files["final"],
                  status=1).splitlines()
    assert "6 unit(s) scored differently:" in en
    assert any(line.startswith("award - government_flag: unit DV200 (lost): ") for line in en)
