"""The Vietnamese interface: every string the code marks for translation has a Vietnamese
translation in the catalogue (extracted from the source with Babel, as `pybabel extract`
does), the compiled catalogue shipped in the package says what the .po says, and help,
tables and errors come out in Vietnamese when asked (`--lang vi`, EMUSCORE_LANG or a
Vietnamese locale), in English otherwise.

Regenerate the catalogue after changing strings: see docs/translating.md."""

from __future__ import annotations

import gettext
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from emuscore import i18n
from emuscore.cli import main

ROOT = Path(__file__).resolve().parents[1]
PO = i18n.LOCALE_DIR / "vi" / "LC_MESSAGES" / "emuscore.po"
MO = PO.with_suffix(".mo")
EXAMPLE = ROOT / "rulesets" / "lang-son-2024.toml"

MessageId = str | tuple[str, ...]


def marked_in_source() -> dict[str, MessageId]:
    """Every string of src/ marked with _(), N_() or ngettext(), keyed by its singular, with
    where it is."""
    found: dict[str, MessageId] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / "src"), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS):
        singular = message if isinstance(message, str) else message[0]
        found.setdefault(singular, message)
        found.setdefault(f"{singular}\0where", f"{filename}:{lineno}")
    return found


def catalogue() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="vi")


def untranslated(marked: dict[str, MessageId], po: Catalog) -> list[str]:
    """The marked strings `po` has no usable Vietnamese for (absent, empty or fuzzy)."""
    missing = []
    for key, message in marked.items():
        if key.endswith("\0where"):
            continue
        entry = po.get(message if isinstance(message, str) else message[0])
        strings = () if entry is None else (
            (entry.string,) if isinstance(entry.string, str) else tuple(entry.string))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(f"{marked[key + chr(0) + 'where']}: {key!r}")
    return missing


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_marked_string_has_a_vietnamese_translation() -> None:
    marked = marked_in_source()
    assert len(marked) > 40      # the extraction found the CLI's strings at all
    assert untranslated(marked, catalogue()) == []


def test_a_string_missing_from_the_catalogue_is_reported_with_its_place() -> None:
    marked = {"a new message {x}": "a new message {x}", "a new message {x}\0where": "cli/x.py:3",
              "Options": "Options", "Options\0where": "cli/localized.py:1"}
    assert untranslated(marked, catalogue()) == ["cli/x.py:3: 'a new message {x}'"]


def test_the_catalogue_holds_no_translation_of_a_string_the_code_no_longer_has() -> None:
    marked = marked_in_source()
    assert [m.id for m in catalogue() if m.id and (m.id if isinstance(m.id, str) else m.id[0])
            not in marked] == []


def test_each_translation_keeps_the_placeholders_of_its_english() -> None:
    for message in catalogue():
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for translated in strings:
            assert placeholders(translated) == placeholders(ids[-1]), message.id


def test_the_shipped_mo_says_exactly_what_the_po_says() -> None:
    """The .mo is committed (so a bare clone with `pip install -e` is Vietnamese at once);
    this fails when it was not recompiled after the .po changed."""
    with MO.open("rb") as f:
        compiled = dict(gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for message in catalogue():
        if not message.id:
            continue
        if isinstance(message.id, str):
            expected[message.id] = message.string
        else:
            expected.update({(message.id[0], i): s for i, s in enumerate(message.string)})
    compiled.pop("", None)
    assert compiled == expected, "recompile: pybabel compile -d src/emuscore/locale -D emuscore"


def test_the_catalogue_speaks_the_secretariats_words() -> None:
    """The terms a Vietnamese civil servant uses for the things on the screen."""
    vi = {m.id: m.string for m in catalogue() if isinstance(m.id, str)}
    assert vi["cluster {cluster}"] == "cụm {cluster}"
    assert vi["class / awards"] == "xếp loại / khen thưởng"
    assert vi["rank"] == "hạng"
    assert "tiêu chí" in vi["Check RULESET (and DATA, if given) and report every problem at once."]


def emuscore(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed command in a fresh process, with only the given locale variables."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("EMUSCORE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    return subprocess.run([sys.executable, "-c", "from emuscore.cli import main; main()", *args],
                          capture_output=True, text=True, encoding="utf-8",
                          env={**clean, "PYTHONIOENCODING": "utf-8", **env}, check=False)


def test_a_vietnamese_locale_shows_the_help_in_vietnamese() -> None:
    shown = emuscore("--help", LANG="vi_VN.UTF-8")
    assert shown.returncode == 0, shown.stderr
    assert "Cách dùng: " in shown.stdout
    assert "Chấm điểm, xếp hạng và đề xuất khen thưởng các cụm, khối thi đua" in shown.stdout
    assert "Hiện hướng dẫn này rồi thoát." in shown.stdout
    assert "Usage:" not in shown.stdout


def test_the_c_locale_shows_the_help_in_english() -> None:
    shown = emuscore("--help", LANG="C")
    assert shown.returncode == 0, shown.stderr
    assert "Usage: " in shown.stdout
    assert "Score, rank and propose awards for emulation clusters" in shown.stdout


@pytest.mark.parametrize("how", [("--lang", "vi"), ("EMUSCORE_LANG", "vi")])
def test_lang_vi_or_emuscore_lang_override_an_english_locale(how: tuple[str, str]) -> None:
    args, env = (["--lang", "vi"], {}) if how[0] == "--lang" else ([], {"EMUSCORE_LANG": "vi"})
    shown = emuscore(*args, "score", "--help", LANG="C", **env)
    assert shown.returncode == 0, shown.stderr
    assert "Chấm điểm dữ liệu DATA theo bộ tiêu chí RULESET" in shown.stdout
    assert "Chỉ in danh sách đề nghị khen thưởng." in shown.stdout
    assert "[mặc định: utf-8-sig]" in shown.stdout


def test_lang_en_overrides_a_vietnamese_locale() -> None:
    shown = emuscore("--lang", "en", "validate", "--help", LANG="vi_VN.UTF-8")
    assert "Check RULESET (and DATA, if given)" in shown.stdout


def test_the_score_table_has_vietnamese_headers_and_keeps_the_rulesets_own_labels() -> None:
    out = CliRunner().invoke(main, ["--lang", "vi", "score", str(EXAMPLE), str(EXAMPLE.with_suffix(""))])
    assert out.exit_code == 0, out.output
    assert "cụm K01-huyen-thanh-pho" in out.output
    assert "xếp loại / khen thưởng" in out.output
    assert "tổng điểm" in out.output
    # award titles and classes are the ruleset's words, in whatever language it wrote them
    assert "Cờ thi đua của Ủy ban nhân dân tỉnh (provincial_flag): đề nghị" in out.output
    assert "Hoàn thành xuất sắc nhiệm vụ" in out.output


def test_an_error_line_starts_with_the_vietnamese_prefix(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["--lang", "vi", "validate", str(tmp_path / "khong-co.toml")])
    assert out.exit_code == 1
    assert out.output.startswith("lỗi: ")
    assert out.output.count("\n") == 1


def test_a_language_chosen_in_one_run_does_not_stick_to_the_next() -> None:
    CliRunner().invoke(main, ["--lang", "vi", "--help"])
    assert "Usage:" in CliRunner().invoke(main, ["--help"]).output


def test_lang_after_help_still_chooses_the_language() -> None:
    assert "Cách dùng: " in CliRunner().invoke(main, ["--help", "--lang", "vi"]).output
    assert "Cách dùng: " in CliRunner().invoke(main, ["--lang=vi", "--help"]).output


def test_an_unknown_language_is_refused_with_the_choices() -> None:
    out = CliRunner().invoke(main, ["--lang", "fr", "--help"])
    assert out.exit_code == 2
    assert "'fr' is not one of 'vi', 'en'" in out.output


def glossary() -> list[tuple[list[str], str]]:
    """docs/translating.md's glossary: (English forms, the Vietnamese term)."""
    text = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")
    table = text.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in table.splitlines() if line.startswith("| ")]
    return [([f.strip() for f in english.split(",")], vietnamese.strip())
            for english, vietnamese in rows[1:]]


def glossary_misses(po: Catalog) -> list[str]:
    """'english': 'term' for each message with a glossary word whose Vietnamese lacks the
    term. Placeholders, TOML headers, identifiers (award:ID, unit_id) and metavars
    (RULESET) are names, not words, and are left out."""
    import re

    names = re.compile(r"\{[^}]*\}|\[[\w.]+\]|\S*[:_]\S*|\b[A-Z]{2,}\b")
    misses = []
    for message in po:
        if not message.id:
            continue
        original = message.id if isinstance(message.id, str) else " ".join(message.id)
        english = names.sub(" ", original)
        vietnamese = " ".join(
            (message.string if isinstance(message.string, str) else " ".join(message.string)).split())
        for forms, term in glossary():
            if any(re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", english, re.IGNORECASE)
                   for f in forms) and term.lower() not in vietnamese.lower():
                misses.append(f"{' '.join(original.split())!r}: {term!r}")
    return misses


def test_the_glossary_terms_are_used_wherever_their_english_is() -> None:
    assert len(glossary()) >= 15
    assert glossary_misses(catalogue()) == []


def test_a_translation_that_strays_from_the_glossary_is_reported() -> None:
    po = Catalog(locale="vi")
    po.add("{n} units in the cluster", "{n} thành viên trong nhóm")
    assert glossary_misses(po) == ["'{n} units in the cluster': 'cụm'",
                                   "'{n} units in the cluster': 'đơn vị'"]


@pytest.mark.parametrize(("system", "expected"), [
    (("Vietnamese_Vietnam", "1258"), "vi"), (("vi_VN", "UTF-8"), "vi"),
    (("English_United States", "1252"), "en"), ((None, None), "en")])
def test_without_locale_variables_the_systems_locale_decides(
        system: tuple[str | None, str | None], expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Vietnamese Windows sets no LANG: its system locale says Vietnamese."""
    import locale

    for var in ("EMUSCORE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(locale, "getlocale", lambda *a: system)
    assert i18n.language() == expected


def test_clicks_usage_errors_are_translated_and_left_as_click_words_them_in_english() -> None:
    vi = CliRunner().invoke(main, ["--lang", "vi", "score", "x.toml"], prog_name="emuscore")
    assert vi.exit_code == 2
    assert vi.output.splitlines() == [
        "Cách dùng: emuscore score [OPTIONS] RULESET DATA",
        "Xem 'emuscore score --help' để biết cách dùng.", "", "Lỗi: Thiếu đối số 'DATA'."]
    assert "Lỗi: Không có lệnh 'scor'." in CliRunner().invoke(main, ["--lang", "vi", "scor"]).output
    en = CliRunner().invoke(main, ["score", "x.toml"], prog_name="emuscore")
    assert en.exit_code == 2
    assert en.output.splitlines() == [
        "Usage: emuscore score [OPTIONS] RULESET DATA",
        "Try 'emuscore score --help' for help.", "", "Error: Missing argument 'DATA'."]


def test_a_usage_error_click_words_in_an_unknown_way_stays_as_it_is() -> None:
    from emuscore.cli.localized import _CLICK_LINES, _translated

    i18n.choose("vi")
    assert _translated("Error: Some new message.", _CLICK_LINES) == "Lỗi: Some new message."
    assert _translated("a line of the usage", _CLICK_LINES) == "a line of the usage"
