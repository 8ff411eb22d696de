"""The bad-input corpus (tests/bad_inputs/*.toml): every case through the CLI, one test.

A case is a small set of files (the base ruleset r.toml and data folder d/ of
tests/bad_inputs/base, changed as the case says), a command, and a fragment of the one-line
error it must give. For every case: the exit code is not 0 (or the one the case names), the
output holds the fragment, every line on stderr is an error line (no traceback), and no
file is created, changed or removed: the case's folder is compared byte for byte before
and after, so inputs, pre-existing outputs and leftover temporary files are all caught.

Case keys (all but id, args and expect optional; paths relative to the case's folder):
  id, args, expect, code
  setup       commands run first, each must exit 0 (e.g. a score that writes a record)
  files       {path = text} written (UTF-8) after setup; hex = {path = "hex bytes"}
  replace     {path = [[old, new], ...]}: each old must be in the file (so the case stays
              meaningful when the base changes)
  append      {path = text}
  cut         {path = N}: keep only the first N bytes (a copy cut short)
  repeat      {path = [[text, times], ...]}: appended, for sizes no one types
  rows        {path = [text, count]}: text appended count times, "{n}" in it numbered 1 to
              count (units enough for parallel scoring, each with its own id)
  json        [{file, path = "a.b.0", value, item = N, redigest = bool, pretty = bool}, ...]:
              set a value in a JSON file (a record; `item`: the Nth value of the column text
              at path) and write it back in the record's layout, recomputing its digests if
              asked (a forger's edit), or indented (pretty)
  symlinks, hardlinks   {link = target}; fifos [path, ...]
  sqlite      {path = [statement, ...]}: run on a SQLite file (made if missing)
  remove      [path, ...]
  plugins     names of objects in bad_inputs/plugins.py, registered for the case
  env         {NAME = value}
  subprocess  true: run `python -m emuscore` in a real process (entry points loaded,
              PYTHONPATH gets bad_inputs/site for broken installed plugins), its memory
              bounded (the cases that name /dev/zero run so)
  verdict     true: the answer is a verdict on stdout (replay: "different"), not an error
  signal      "SIGTERM" / "SIGINT": sent once the file named by `wait_for` appears
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from emuscore.cli import main

HERE = Path(__file__).resolve().parent / "bad_inputs"
BASE = HERE / "base"
ERROR_PREFIXES = ("error:", "unusable:", "Usage:", "Try ", "Error:", "warning:")


def load_cases() -> list[Any]:
    cases = []
    for file in sorted(HERE.glob("*.toml")):
        for case in tomllib.loads(file.read_text(encoding="utf-8"))["case"]:
            cases.append(pytest.param(case, id=f"{file.stem}:{case['id']}"))
    return cases


CASES = load_cases()


def test_the_corpus_has_at_least_150_cases_in_every_class():
    classes: dict[str, int] = {}
    for case in CASES:
        cls = case.id.split(":")[0]
        classes[cls] = classes.get(cls, 0) + 1
    assert len(CASES) >= 150, classes
    assert set(classes) >= {"rulesets", "data", "options", "records", "ledgers", "plugins",
                            "signals"}, classes
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def snapshot(folder: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = path.read_bytes()
        elif path.is_dir():
            out[rel] = "<dir>"
    return out


def json_keys(dotted: str) -> list[str | int]:
    return [int(k) if k.lstrip("-").isdigit() else k for k in dotted.split(".")]


def get_json(doc: Any, dotted: str) -> Any:
    for key in json_keys(dotted):
        doc = doc[key]
    return doc


def set_json(doc: Any, dotted: str, value: Any) -> None:
    *keys, last = json_keys(dotted)
    node = doc
    for key in keys:
        node = node[key]
    node[last] = value


def prepare(case: dict[str, Any], folder: Path, invoke: Any) -> None:
    shutil.copytree(BASE, folder, dirs_exist_ok=True)
    for args in case.get("setup", []):
        result = invoke(args)
        assert result[0] == 0, f"setup {args} failed: {result[1]}"
    for path in case.get("remove", []):
        target = folder / path
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for path, text in case.get("files", {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(text.encode("utf-8"))
    for path, hexed in case.get("hex", {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(bytes.fromhex(hexed))
    for path, pairs in case.get("replace", {}).items():
        text = (folder / path).read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, f"{case['id']}: {old!r} is not in {path}"
            text = text.replace(old, new)
        (folder / path).write_bytes(text.encode("utf-8"))
    for path, keep in case.get("cut", {}).items():
        (folder / path).write_bytes((folder / path).read_bytes()[:keep])
    for path, text in case.get("append", {}).items():
        with (folder / path).open("ab") as f:
            f.write(text.encode("utf-8"))
    for path, pieces in case.get("repeat", {}).items():
        with (folder / path).open("ab") as f:
            for text, times in pieces:
                f.write(text.encode("utf-8") * times)
    for path, (text, count) in case.get("rows", {}).items():
        with (folder / path).open("ab") as f:
            f.write("".join(text.replace("{n}", str(n)) for n in range(1, count + 1))
                    .encode("utf-8"))
    for edit in case.get("json", []):
        from emuscore.audit.record import digests, record_bytes

        path = folder / edit["file"]
        doc = json.loads(path.read_bytes())
        value = edit["value"]
        if "item" in edit:          # one unit's value in a column text ("7.00,8.50,...")
            column = get_json(doc, edit["path"]).split(",")
            column[edit["item"]] = value
            value = ",".join(column)
        set_json(doc, edit["path"], value)
        if edit.get("pretty"):
            path.write_bytes(json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False).encode())
        elif edit.get("redigest"):
            doc["digests"] = digests(doc)
            path.write_bytes(record_bytes(doc))
        else:           # edited in place: the record's layout, its digests as they were
            from conftest import record_file_as_is

            path.write_bytes(record_file_as_is(doc))
    for link, target in case.get("symlinks", {}).items():
        (folder / link).symlink_to(target)
    for link, target in case.get("hardlinks", {}).items():
        os.link(folder / target, folder / link)
    for path, statements in case.get("sqlite", {}).items():
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(folder / path, isolation_level=None)) as db:
            for statement in statements:
                db.execute(statement)
    for path in case.get("fifos", []):
        os.mkfifo(folder / path)


def load_plugins(names: list[str]) -> list[object]:
    spec = importlib.util.spec_from_file_location("bad_input_plugins", HERE / "plugins.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # its attrs classes' annotations resolve through it
    spec.loader.exec_module(module)
    return [getattr(module, name) for name in names]


def _bounded_memory() -> None:
    """A case's process may use at most 4 GiB: a regression that reads /dev/zero to the end
    fails the case instead of exhausting the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def run_process(case: dict[str, Any], folder: Path) -> tuple[int, str, str]:
    env = {**os.environ, **case.get("env", {}),
           "PYTHONPATH": os.pathsep.join([str(HERE / "site"), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "emuscore", *case["args"]]
    if "signal" not in case:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=120, preexec_fn=_bounded_memory)
        return done.returncode, done.stdout, done.stderr
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    waited = folder / case["wait_for"]
    deadline = time.monotonic() + 60
    while not waited.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, process.communicate()
    process.send_signal(getattr(signal, case["signal"]))
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()      # a run that hangs after the signal fails its case, and goes
        process.communicate()
        raise
    waited.unlink()     # the test plugin's own marker, not an output of the run
    return process.returncode, stdout, stderr


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case, tmp_path, monkeypatch, emuscore_plugins):
    folder = tmp_path / "case"
    folder.mkdir()
    monkeypatch.chdir(folder)
    if case.get("plugins"):
        emuscore_plugins.register(*load_plugins(case["plugins"]))
    runner = CliRunner()

    def invoke(args: list[str]) -> tuple[int, str, str]:
        result = runner.invoke(main, args, catch_exceptions=False, env=case.get("env"))
        return result.exit_code, result.stdout, result.stderr

    prepare(case, folder, invoke)
    if "wait_for" in case:
        (folder / case["wait_for"]).unlink(missing_ok=True)
    before = snapshot(folder)
    code, stdout, stderr = (run_process(case, folder) if case.get("subprocess")
                            else invoke(case["args"]))
    output = stdout + stderr
    assert code != 0, output
    if "code" in case:
        assert code == case["code"], output
    assert case["expect"] in output, output
    assert "Traceback" not in output, output
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines or case.get("verdict"), output
    assert all(line.startswith(ERROR_PREFIXES) or line.startswith(" ") for line in lines), output
    assert snapshot(folder) == before, "a file was created, changed or removed"
