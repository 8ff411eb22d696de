"""`emuscore fmt`: a canonical rewrite that keeps every comment and every value as
written, reads back to the same data, is idempotent, replaces the file whole, and with
`--check` writes nothing and exits 1 when a file would change."""

from __future__ import annotations

import random
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from emuscore.cli import main
from emuscore.manager import Registry

BUNDLED = sorted((ROOT / "rulesets").glob("*.toml"))

MESSY = '''#:schema ./schema.json
# the sheet


[ruleset]
version="1"   # bumped each year
title =  "Bảng chấm điểm"
id = "t"
effective = {from=2025-01-01,to=2025-12-31}

[[groups]]
max = 10
id = "g"
[[criteria]]
# how many pledges signed
max = 10
scorer = "bands"
value = "x"
id = "c"
group="g"
thresholds = [
  { at_least = 90, points = 10 },   # full points
  { at_least = 80, points = 8.50 },
]
[ranking]
order = [ "total desc","unit_id asc" ]
'''

CANONICAL = '''#:schema ./schema.json
# the sheet

[ruleset]
id = "t"
title = "Bảng chấm điểm"
version = "1"  # bumped each year
effective = { from = 2025-01-01, to = 2025-12-31 }

[[groups]]
id = "g"
max = 10

[[criteria]]
id = "c"
group = "g"
scorer = "bands"
# how many pledges signed
max = 10
value = "x"
thresholds = [
  { at_least = 90, points = 10 },   # full points
  { at_least = 80, points = 8.50 },
]

[ranking]
order = ["total desc", "unit_id asc"]
'''


def invoke(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["fmt", *map(str, args)])
    return result.exit_code, result.output


def test_a_messy_ruleset_is_rewritten_canonically(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(MESSY, encoding="utf-8")
    code, out = invoke(path)
    assert (code, out) == (0, f"{path}: reformatted\n")
    assert path.read_text(encoding="utf-8") == CANONICAL


def test_check_writes_nothing_and_exits_1_when_a_file_would_change(tmp_path: Path) -> None:
    messy, tidy = tmp_path / "messy.toml", tmp_path / "tidy.toml"
    messy.write_text(MESSY, encoding="utf-8")
    tidy.write_text(CANONICAL, encoding="utf-8")
    code, out = invoke("--check", messy, tidy)
    assert code == 1
    assert out == f"{messy}: would be reformatted\n{tidy}: already canonical\n"
    assert messy.read_text(encoding="utf-8") == MESSY
    assert invoke("--check", tidy)[0] == 0


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_ruleset_keeps_its_data_and_comments_and_fmt_is_idempotent(
        path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    copy = tmp_path / path.name
    copy.write_text(text, encoding="utf-8")
    assert invoke(copy)[0] == 0
    once = copy.read_text(encoding="utf-8")
    assert tomllib.loads(once, parse_float=Decimal) == tomllib.loads(text, parse_float=Decimal)
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    assert [line.strip() for line in once.splitlines() if line.strip().startswith("#")] == comments
    assert invoke("--check", copy) == (0, f"{copy}: already canonical\n")


def test_a_file_that_is_not_toml_is_one_error_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text('[ruleset]\nid = "t\n', encoding="utf-8")
    code, out = invoke(path)
    assert code == 1
    assert out.startswith(f"error: {path}: not valid TOML: ")
    assert out.count("\n") == 1
    assert path.read_text(encoding="utf-8") == '[ruleset]\nid = "t\n'


def test_a_file_saved_with_a_bom_and_windows_line_ends_is_read_and_written_plainly(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_bytes(("\ufeff" + CANONICAL).replace("\n", "\r\n").encode("utf-8"))
    assert invoke("--check", path) == (1, f"{path}: would be reformatted\n")
    assert invoke(path)[0] == 0
    assert path.read_bytes() == CANONICAL.encode("utf-8")


def _written(data: dict[str, object], rng: random.Random) -> str:
    """`data` as TOML with each table's keys in a random order (tables as tables, arrays of
    tables as [[...]], tables inside them inline)."""
    import tomlkit

    def inline(value: object) -> object:
        if isinstance(value, dict):
            table = tomlkit.inline_table()
            keys = list(value)
            rng.shuffle(keys)
            for key in keys:
                table[key] = inline(value[key])
            return table
        if isinstance(value, list):
            return [inline(v) for v in value]
        return value

    def table(value: dict[str, object], keyed: bool = False) -> object:
        out = tomlkit.table()
        keys = list(value)
        if not keyed:       # a table keyed by id ([indicators]) keeps its entries' order
            rng.shuffle(keys)
        for key in keys:
            out[key] = inline(value[key])
        return out

    doc = tomlkit.document()
    for section, value in data.items():
        if isinstance(value, list):
            doc[section] = tomlkit.aot()
            for item in value:
                doc[section].append(table(item))
        else:
            doc[section] = table(value, keyed=section == "indicators")
    return tomlkit.dumps(doc)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), path=st.sampled_from(BUNDLED))
def test_the_canonical_form_does_not_depend_on_the_order_keys_were_written_in(
        seed: int, path: Path, sector_plugins: Registry) -> None:
    """Two writings of the same ruleset, keys shuffled differently in every table (and
    lists of tables written as [[criteria.thresholds]]), format to the same text, which
    reads back to the same data. (The sector plugins are registered once for all examples:
    every ruleset's scorers are known, so every key has its place.)"""
    from emuscore.canonical import canonical

    registry = sector_plugins

    def scorer_params(name: str) -> type | None:
        found = registry.scorers.get(name)
        return found.item.Params if found else None

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    one, two = (_written(data, random.Random(seed + i)) for i in (0, 1))
    formatted = canonical(one, "one", scorer_params)
    assert canonical(two, "two", scorer_params) == formatted
    assert tomllib.loads(formatted) == data


def test_a_table_of_tables_keeps_its_headers_and_orders_each_as_its_section(tmp_path: Path) -> None:
    """`[groups_by_id.a]` headers with no `[groups_by_id]` stay so; a sub-table of a known
    section is laid out as one of the section's (here [ruleset.x]: unknown keys keep their
    order after the known ones)."""
    path = tmp_path / "r.toml"
    path.write_text('[ruleset.extra]\nz = 1\ntitle = "t"\nid = "x"\n\n[other.a]\nb = 1\na = 2\n',
                    encoding="utf-8")
    assert invoke(path)[0] == 0
    assert path.read_text(encoding="utf-8") == (
        '[ruleset.extra]\nid = "x"\ntitle = "t"\nz = 1\n\n[other.a]\nb = 1\na = 2\n')


def test_a_symbolic_link_s_file_is_rewritten_and_the_link_kept(tmp_path: Path) -> None:
    """`fmt current.toml`, a link to this year's sheet, formats the sheet: replacing the
    link by a formatted copy would leave the sheet itself as it was."""
    (tmp_path / "2025").mkdir()
    sheet = tmp_path / "2025" / "r.toml"
    sheet.write_text(MESSY, encoding="utf-8")
    link = tmp_path / "current.toml"
    link.symlink_to(Path("2025") / "r.toml")
    code, out = invoke(link)
    assert (code, out) == (0, f"{link}: reformatted {sheet}, the file it links to (the link is "
                              "kept)\n")
    assert link.is_symlink() and link.resolve() == sheet.resolve()
    assert sheet.read_text(encoding="utf-8") == CANONICAL
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["2025", "current.toml", "r.toml"]


def test_a_file_with_hard_links_is_refused_and_left_alone(tmp_path: Path) -> None:
    """An atomic rewrite gives the name a new file: the other names would keep the old text
    without a word."""
    path, other = tmp_path / "r.toml", tmp_path / "r-2025.toml"
    path.write_text(MESSY, encoding="utf-8")
    other.hardlink_to(path)
    code, out = invoke(path)
    assert code == 1
    assert out == (f"error: {path}: the file has 2 names (hard links); replacing it would leave "
                   "the other names with the old text: reformat a copy, or remove the other "
                   "links first\n")
    assert path.read_text(encoding="utf-8") == MESSY and other.samefile(path)
    assert invoke("--check", path) == (1, f"{path}: would be reformatted\n")     # only reads
    path.write_text(CANONICAL, encoding="utf-8")
    assert invoke(path) == (0, f"{path}: already canonical\n")                  # writes nothing


def test_all_files_are_written_or_none(tmp_path: Path) -> None:
    messy, broken = tmp_path / "a.toml", tmp_path / "b.toml"
    messy.write_text(MESSY, encoding="utf-8")
    broken.write_text('[ruleset]\nid = "t\n', encoding="utf-8")
    code, out = invoke(messy, broken)
    assert code == 1 and out.startswith(f"error: {broken}: not valid TOML: ")
    assert out.count("\n") == 1
    assert messy.read_text(encoding="utf-8") == MESSY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.toml", "b.toml"]


def test_the_same_file_named_twice_is_written_once(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(MESSY, encoding="utf-8")
    code, out = invoke(path, tmp_path / "." / "r.toml")
    assert (code, out) == (0, f"{path}: reformatted\n{tmp_path / '.' / 'r.toml'}: reformatted\n")
    assert path.read_text(encoding="utf-8") == CANONICAL
