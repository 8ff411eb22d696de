"""Ruleset versions by date: `score`/`validate` given a folder of versions and `--as-of`
use the version in force that day and the run record says which (its ruleset text, id,
version and the as-of date); a day outside every version, two versions in force on one
day, a version without its dates and a folder without `--as-of` are one-line errors that
name the versions."""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from emuscore.cli import main
from emuscore.problems import RulesetError
from emuscore.versions import in_force

SHEET = (ROOT / "rulesets" / "commune-2025.toml").read_text(encoding="utf-8")
DATA = ROOT / "rulesets" / "commune-2025"


def version(text: str, number: str, start: str, end: str) -> str:
    """The commune sheet as version `number`, in force from `start` to `end`."""
    out = text.replace('version = "2025.1"', f'version = "{number}"')
    return out.replace("effective = { from = 2025-07-01, to = 2025-12-31 }",
                       f"effective = {{ from = {start}, to = {end} }}")


def folder(tmp_path: Path, **versions: str) -> Path:
    place = tmp_path / "bang-cham-diem-xa"
    place.mkdir()
    for name, text in versions.items():
        (place / f"{name}.toml").write_text(text, encoding="utf-8")
    return place


def two_years(tmp_path: Path) -> Path:
    """2025's sheet and 2026's, which gives three certificates of merit a cluster, not two."""
    return folder(tmp_path,
                  v2025=version(SHEET, "2025.1", "2025-07-01", "2025-12-31"),
                  v2026=version(SHEET, "2026.1", "2026-01-01", "2026-12-31").replace(
                      "per_cluster = 2", "per_cluster = 3"))


def invoke(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def certificates(out: str) -> int:
    line = next(x for x in out.splitlines() if "(bang_khen)" in x)
    return int(line.rsplit(":", 1)[1].split()[0])


def test_score_uses_the_version_in_force_and_the_record_says_which(tmp_path: Path) -> None:
    versions = two_years(tmp_path)
    proposed = {}
    for day, number in (("2025-12-31", "2025.1"), ("2026-03-01", "2026.1")):
        record = tmp_path / f"{day}.json"
        code, out, err = invoke("score", "-q", versions, DATA, "--as-of", day, "--record", record)
        assert code == 0, err
        assert err == f"ruleset in force on {day}: {versions / ('v' + number[:4] + '.toml')}\n"
        written = json.loads(record.read_text(encoding="utf-8"))["ruleset"]
        assert (written["version"], written["as_of"]) == (number, day)
        proposed[number] = certificates(out)
    alone = invoke("score", "-q", ROOT / "rulesets" / "commune-2025.toml", DATA)[1]
    assert proposed["2025.1"] == certificates(alone)
    assert proposed["2026.1"] > proposed["2025.1"]


def test_the_first_and_last_day_of_a_version_are_in_it(tmp_path: Path) -> None:
    versions = two_years(tmp_path)
    assert in_force(versions, datetime.date(2025, 7, 1)).version == "2025.1"
    assert in_force(versions, datetime.date(2025, 12, 31)).version == "2025.1"
    assert in_force(versions, datetime.date(2026, 1, 1)).version == "2026.1"


def test_a_day_outside_every_version_names_the_versions(tmp_path: Path) -> None:
    code, out, err = invoke("score", two_years(tmp_path), DATA, "--as-of", "2025-06-30")
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "no version is in force on 2025-06-30; the versions are: " in err
    assert ("v2025.toml (version 2025.1, 2025-07-01 to 2025-12-31); "
            "v2026.toml (version 2026.1, 2026-01-01 to 2026-12-31)") in err


def test_overlapping_versions_are_an_error_naming_both(tmp_path: Path) -> None:
    versions = folder(tmp_path, a=version(SHEET, "2025.1", "2025-07-01", "2025-12-31"),
                      b=version(SHEET, "2025.2", "2025-10-01", "2026-12-31"))
    code, _out, err = invoke("validate", versions, "--as-of", "2026-05-01")
    assert code == 1
    assert err.startswith(f"error: {versions}: versions overlap from 2025-10-01: a.toml (version 2025.1")
    assert "b.toml (version 2025.2, 2025-10-01 to 2026-12-31)" in err


def test_a_version_that_does_not_say_when_it_is_in_force_is_named(tmp_path: Path) -> None:
    undated = SHEET.replace("effective = { from = 2025-07-01, to = 2025-12-31 }\n", "")
    versions = folder(tmp_path, a=SHEET, b=undated)
    code, _out, err = invoke("validate", versions, "--as-of", "2025-12-31")
    assert code == 1
    header = 1 + SHEET.splitlines().index("[ruleset]")
    assert err.startswith(f"error: {versions / 'b.toml'}:{header}: ruleset.effective: a version in a "
                          "folder of versions needs [ruleset] effective = { from = 2025-01-01, "
                          "to = 2025-12-31 }")


def test_a_version_that_ends_before_it_starts_is_named_with_its_line(tmp_path: Path) -> None:
    versions = folder(tmp_path, a=version(SHEET, "1", "2025-12-31", "2025-07-01"))
    line = 1 + SHEET.splitlines().index("effective = { from = 2025-07-01, to = 2025-12-31 }")
    code, _out, err = invoke("validate", versions, "--as-of", "2025-12-31")
    assert code == 1
    assert err == (f"error: {versions / 'a.toml'}:{line}: ruleset.effective: 'to' "
                   "(2025-07-01) is before 'from' (2025-12-31): swap them\n")


def test_validate_without_a_day_checks_every_version_and_their_dates(tmp_path: Path) -> None:
    versions = two_years(tmp_path)
    code, out, _err = invoke("validate", versions)
    assert code == 0
    assert out == ("v2025.toml (version 2025.1, 2025-07-01 to 2025-12-31): ok\n"
                   "v2026.toml (version 2026.1, 2026-01-01 to 2026-12-31): ok\n")
    broken = (versions / "v2026.toml").read_text(encoding="utf-8").replace(
        'scorer = "pass_fail"', 'scorer = "pass_fall"', 1)
    (versions / "v2026.toml").write_text(broken, encoding="utf-8")
    code, out, err = invoke("validate", versions)
    assert code == 1
    assert out.startswith("v2025.toml")
    assert err.startswith(f"error: {versions / 'v2026.toml'}:")
    assert "no installed plugin provides scorer 'pass_fall'" in err


def test_a_folder_without_as_of_asks_for_the_day(tmp_path: Path) -> None:
    code, _out, err = invoke("score", two_years(tmp_path), DATA)
    assert code == 1
    assert "folder of ruleset versions: say which day's is wanted with --as-of" in err


def test_validate_reports_the_version_it_checked(tmp_path: Path) -> None:
    code, out, _err = invoke("validate", two_years(tmp_path), "--as-of", "2026-12-31")
    assert code == 0
    assert out.startswith("ruleset commune-2025 2026.1: ")


def test_a_single_file_given_a_day_outside_its_dates_is_refused(tmp_path: Path) -> None:
    sheet = ROOT / "rulesets" / "commune-2025.toml"
    code, _out, err = invoke("score", sheet, DATA, "--as-of", "2026-01-01")
    assert code == 1
    assert err == (f"error: {sheet}: not in force on 2026-01-01: it is in force from 2025-07-01 "
                   "to 2025-12-31\n")
    assert invoke("validate", sheet, "--as-of", "2025-07-01")[0] == 0


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(0, 400), min_size=2, max_size=6, unique=True),
       gaps=st.lists(st.booleans(), min_size=6, max_size=6), day=st.integers(-10, 410))
def test_the_version_in_force_is_the_one_whose_dates_hold_the_day(
        cuts: list[int], gaps: list[bool], day: int) -> None:
    """Versions from sorted cut points (with or without a day's gap between them): the
    version chosen contains the day, and no version is chosen exactly when none does."""
    base = datetime.date(2025, 1, 1)
    cuts = sorted(cuts)
    spans = [(base + datetime.timedelta(a), base + datetime.timedelta(b - 1 - gap))
             for a, b, gap in zip(cuts, cuts[1:], gaps, strict=False) if b - 1 - gap >= a]
    if not spans:
        return
    asked = base + datetime.timedelta(day)
    with tempfile.TemporaryDirectory() as place:
        for i, (start, end) in enumerate(spans):
            (Path(place) / f"{i}.toml").write_text(
                f'[ruleset]\nid = "x"\nversion = "{i}"\neffective = {{ from = {start}, to = {end} }}\n',
                encoding="utf-8")
        holding = [str(i) for i, (start, end) in enumerate(spans) if start <= asked <= end]
        try:
            chosen = [in_force(Path(place), asked).version]
        except RulesetError:
            chosen = []
        assert chosen == holding
