"""`emuscore init`: each template makes a folder that validates and scores at once, with a
README of next steps in Vietnamese; a non-empty folder is refused; the templates are the
bundled examples of rulesets/ (the same bytes), and the 2025 commune sheet's data is what
its generator makes and has the shape of a 2025 province's commune clusters.

After changing a bundled example, copy it into its template:

    .venv/bin/python tests/test_init.py
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from emuscore.cli import main
from emuscore.manager import Registry
from emuscore.starters import TEMPLATE_DIR, TEMPLATES

RULESETS = ROOT / "rulesets"
SOURCES = {"province": "lang-son-2024", "commune-2025": "commune-2025", "sector": "education-2024"}
"""Each template and the bundled example it is a copy of."""


def invoke(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_list_says_what_each_template_is() -> None:
    code, out = invoke("init", "--list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["province", "commune-2025", "sector"]
    assert "clusters of 6 to 9" in lines[1]
    assert "emuscore-education" in lines[2]


def test_list_in_vietnamese() -> None:
    out = invoke("--lang", "vi", "init", "--list")[1]
    assert "cụm" in out and "xã, phường, đặc khu" in out


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_a_new_folder_validates_and_scores_at_once(template: str, tmp_path: Path,
                                                   sector_plugins: Registry) -> None:
    folder = tmp_path / "thi-dua"
    code, out = invoke("init", "--template", template, folder)
    assert code == 0, out
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == [
        "README.md", "data/measures.csv", "data/units.csv", "ruleset.toml", "schema.json"]
    code, out = invoke("validate", folder / "ruleset.toml", folder / "data")
    assert code == 0, out
    code, out = invoke("score", "-q", folder / "ruleset.toml", folder / "data")
    assert code == 0, out
    first_award = out.strip().splitlines()[0]
    assert "proposed" in first_award and not first_award.endswith(": 0 proposed")


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_the_readme_gives_the_next_steps_in_vietnamese(template: str, tmp_path: Path) -> None:
    invoke("init", "-t", template, tmp_path / "d")
    readme = (tmp_path / "d" / "README.md").read_text(encoding="utf-8")
    assert "## Các bước tiếp theo" in readme
    assert "emuscore --lang vi score ruleset.toml data" in readme
    assert "giả định" in readme            # says the sample figures are made up


def test_the_schema_beside_the_starter_is_the_format_of_this_installation(tmp_path: Path) -> None:
    invoke("init", tmp_path / "d")
    assert (tmp_path / "d" / "schema.json").read_text(encoding="utf-8") == invoke("schema")[1]
    assert (tmp_path / "d" / "ruleset.toml").read_text(encoding="utf-8").startswith(
        "#:schema ./schema.json\n")


def test_a_folder_with_files_in_it_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    mine = tmp_path / "ruleset.toml"
    mine.write_text("# my own sheet\n", encoding="utf-8")
    code, out = invoke("init", tmp_path)
    assert code == 1
    assert out.startswith(f"error: {tmp_path}: the folder is not empty")
    assert out.count("\n") == 1
    assert mine.read_text(encoding="utf-8") == "# my own sheet\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ruleset.toml"]


def test_an_unknown_template_names_the_templates(tmp_path: Path) -> None:
    code, out = invoke("init", "-t", "comune-2025", tmp_path / "d")
    assert code == 1
    assert "no template 'comune-2025'; did you mean 'commune-2025'?" in out
    assert "province, commune-2025, sector" in out
    assert not (tmp_path / "d").exists()


def test_init_without_a_folder_says_what_to_give() -> None:
    code, out = invoke("init")
    assert code == 2
    assert "give the folder to create" in out


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_each_template_is_its_bundled_example_byte_for_byte(template: str) -> None:
    example = RULESETS / SOURCES[template]
    folder = TEMPLATE_DIR / template
    assert (folder / "ruleset.toml").read_bytes() == example.with_suffix(".toml").read_bytes()
    for name in ("units.csv", "measures.csv"):
        assert (folder / "data" / name).read_bytes() == (example / name).read_bytes(), name


def test_the_commune_data_is_what_its_generator_makes(tmp_path: Path) -> None:
    folder = RULESETS / "commune-2025"
    subprocess.run([sys.executable, str(folder / "generate.py"), "--out", str(tmp_path)], check=True)
    for name in ("units.csv", "measures.csv"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_the_commune_sheet_has_a_2025_provinces_shape() -> None:
    """Hải Phòng, 2025: 15 clusters of 114 communes, wards and special zones, 6 to 9 each."""
    with (RULESETS / "commune-2025" / "units.csv").open(encoding="utf-8") as f:
        units = list(csv.DictReader(f))
    sizes = Counter(u["cluster_id"] for u in units)
    assert len(units) == 114 and len(sizes) == 15
    assert all(6 <= n <= 9 for n in sizes.values())
    kinds = Counter(u["name"].split()[0] if not u["name"].startswith("Đặc khu") else "Đặc khu"
                    for u in units)
    assert set(kinds) == {"Xã", "Phường", "Đặc khu"}


def test_the_templates_and_the_catalogue_are_declared_package_data() -> None:
    """What pyproject.toml ships in the wheel covers every template file and the compiled
    catalogue (setuptools globs: one `*` a path component)."""
    import tomllib
    from pathlib import PurePosixPath

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["emuscore"]
    package = TEMPLATE_DIR.parent
    starters = [p for p in TEMPLATE_DIR.rglob("*") if p.is_file()]
    assert len(starters) == 12          # 3 templates: ruleset, README, units and measures
    shipped = [p for p in package.rglob("*") if p.is_file() and (
        "templates" in p.parts or p.suffix == ".mo")]   # the report's page templates too
    for path in shipped:
        relative = PurePosixPath(path.relative_to(package).as_posix())
        assert any(len(relative.parts) == len(PurePosixPath(g).parts) and relative.match(g)
                   for g in globs), relative


def test_an_empty_folder_is_used_and_a_failed_init_leaves_no_half_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("init", empty)[0] == 0
    assert (empty / "data" / "measures.csv").exists()

    from emuscore import starters

    def failing(path: Path, text: str | bytes) -> None:
        if path.name == "measures.csv":
            raise OSError("disk full")
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    monkeypatch.setattr(starters, "write_atomically", failing)
    with pytest.raises(OSError, match="disk full"):
        starters.create("commune-2025", tmp_path / "half", {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_starter_whose_plugin_is_missing_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    real = metadata.version

    def version(name: str) -> str:
        if name == "emuscore-education":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "version", version)
    code, out = invoke("init", "-t", "sector", tmp_path / "d")
    assert code == 0
    assert out.splitlines()[-1] == ("note: requires emuscore-education>=1.0, which is not installed: "
                                    "pip install 'emuscore-education>=1.0'")
    assert "note:" not in invoke("init", "-t", "province", tmp_path / "p")[1]


if __name__ == "__main__":
    import shutil

    for template, example in SOURCES.items():
        shutil.copyfile(RULESETS / f"{example}.toml", TEMPLATE_DIR / template / "ruleset.toml")
        for name in ("units.csv", "measures.csv"):
            shutil.copyfile(RULESETS / example / name, TEMPLATE_DIR / template / "data" / name)
        print(f"{TEMPLATE_DIR / template}: copied from rulesets/{example}")


def test_the_command_to_score_the_starter_can_be_pasted_into_a_shell(tmp_path: Path) -> None:
    import shlex

    folder = tmp_path / "thi đua 2025"
    out = invoke("init", folder)[1]
    command = shlex.split(out.splitlines()[1])
    assert command == ["emuscore", "score", str(folder / "ruleset.toml"), str(folder / "data")]
