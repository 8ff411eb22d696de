"""EMUSCORE_PLUGIN_TIMEOUT where SIGALRM cannot reach the plugin: criteria scored on other
cores, and systems without SIGALRM (Windows). The corpus holds the real-process cases
(`plugins:threadsafe-scorer-stuck-in-parallel-scoring`, `signals:sigterm-during-parallel-
scoring`): there a plugin's thread never ends and the process must exit all the same."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from emuscore.cli import main
from emuscore.deadline import DaemonPool, TimedOut, limited
from emuscore.pipeline import score
from emuscore.plugin import ScoreContext
from emuscore.testing import PluginSandbox
from test_plugin_isolation import batch

RULESET = """[ruleset]
id = "t"
title = "t"
version = "1"
[[groups]]
id = "g"
max = 20
[[criteria]]
id = "c"
group = "g"
scorer = "bad"
max = 10
value = "v"
[[criteria]]
id = "p"
group = "g"
scorer = "pass_fail"
max = 10
value = "v"
[ranking]
order = ["unit_id asc"]
"""
WHO = "plugin test:bad unversioned, scorer bad, criterion c"


def files(tmp_path: Path) -> list[str]:
    (tmp_path / "rs.toml").write_text(RULESET, encoding="utf-8")
    (tmp_path / "data.csv").write_text("unit_id,name,cluster_id,v\nu1,a,1,1\nu2,b,1,0\n",
                                       encoding="utf-8")
    (tmp_path / "out.csv").write_text("last year's results\n", encoding="utf-8")
    return ["score", str(tmp_path / "rs.toml"), str(tmp_path / "data.csv"),
            "--out", str(tmp_path / "out.csv")]


def hangs(release: threading.Event, threadsafe: bool) -> Any:
    """A scorer that waits until the test ends (`release`): long enough to be stuck."""
    def wait(ctx: ScoreContext) -> Any:
        release.wait(60)
        return np.zeros(ctx.size, np.int64)

    scorer = batch(wait)
    type(scorer).threadsafe = threadsafe
    return scorer


@pytest.fixture
def release():
    event = threading.Event()
    yield event
    event.set()         # the stuck threads left behind end with the test


def assert_stopped_and_nothing_written(result: Any, tmp_path: Path) -> None:
    assert result.exit_code == 1, result.output
    assert result.output == f"error: {WHO}: stopped after 0.5 s (EMUSCORE_PLUGIN_TIMEOUT); the " \
        "scorer may be stuck: report it to the plugin's authors, or allow more time\n"
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "last year's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "out.csv", "rs.toml"]


def test_the_limit_holds_for_a_criterion_scored_on_another_core(
        emuscore_plugins: PluginSandbox, tmp_path: Path, monkeypatch, release) -> None:
    """From PARALLEL_FROM units a thread-safe scorer runs on a worker thread (here from 0,
    so that two units do)."""
    emuscore_plugins.register(hangs(release, threadsafe=True))
    monkeypatch.setattr(score, "PARALLEL_FROM", 0)
    result = CliRunner().invoke(main, files(tmp_path), env={"EMUSCORE_PLUGIN_TIMEOUT": "0.5"})
    assert_stopped_and_nothing_written(result, tmp_path)


def test_the_limit_holds_without_sigalrm_as_on_windows(
        emuscore_plugins: PluginSandbox, tmp_path: Path, monkeypatch, release) -> None:
    emuscore_plugins.register(hangs(release, threadsafe=False))
    monkeypatch.delattr(signal, "setitimer")
    result = CliRunner().invoke(main, files(tmp_path), env={"EMUSCORE_PLUGIN_TIMEOUT": "0.5"})
    assert_stopped_and_nothing_written(result, tmp_path)


@pytest.mark.parametrize("where", ["worker thread", "no SIGALRM"])
@pytest.mark.parametrize(("raised", "message"), [
    (TimeoutError("the plugin's server did not answer"),
     "failed with TimeoutError: the plugin's server did not answer"),
    (KeyboardInterrupt(), "it was interrupted (KeyboardInterrupt)"),
    (SystemExit(0), "it called sys.exit(0)"),
])
def test_what_a_plugin_raises_in_its_own_thread_is_reported_as_such(
        emuscore_plugins: PluginSandbox, tmp_path: Path, monkeypatch, where: str,
        raised: BaseException, message: str) -> None:
    """The thread the limit runs the plugin in hands its exception back unchanged (a
    TimeoutError of the plugin's own is not the limit)."""
    def fail(ctx: ScoreContext) -> Any:
        raise raised

    scorer = batch(fail)
    type(scorer).threadsafe = True
    emuscore_plugins.register(scorer)
    if where == "worker thread":
        monkeypatch.setattr(score, "PARALLEL_FROM", 0)
    else:
        monkeypatch.delattr(signal, "setitimer")
    result = CliRunner().invoke(main, files(tmp_path), env={"EMUSCORE_PLUGIN_TIMEOUT": "30"})
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"error: {WHO}"), result.output
    assert message in result.output
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "last year's results\n"


def test_limited_returns_the_value_and_off_means_no_thread() -> None:
    outside: list[threading.Thread] = []

    def who() -> int:
        outside.append(threading.current_thread())
        return 7

    assert limited(who, 0) == 7
    assert outside[-1] is threading.current_thread()
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(limited(who, 30)))
    worker.start()
    worker.join()
    assert done == [7]
    assert outside[-1] is not worker and outside[-1].daemon


def test_limited_in_another_thread_gives_up_on_a_stuck_call(release) -> None:
    caught: list[BaseException] = []

    def waits() -> None:
        try:
            limited(lambda: release.wait(60), 0.2)
        except TimedOut as e:
            caught.append(e)

    worker = threading.Thread(target=waits)
    worker.start()
    worker.join(30)     # a generous bound: it returns after 0.2 s
    assert not worker.is_alive()
    assert len(caught) == 1


def test_a_stopped_pool_starts_no_further_call(release) -> None:
    pool = DaemonPool(1)
    started: list[int] = []

    def job(n: int) -> int:
        started.append(n)
        release.wait(60)
        return n

    first = pool.submit(lambda: job(1))
    second = pool.submit(lambda: job(2))
    while not started:
        threading.Event().wait(0.01)
    pool.stop()
    release.set()
    assert first.result(timeout=30) == 1
    for worker in pool._workers:
        worker.join(30)     # each ends once its call returns
        assert not worker.is_alive()
    assert started == [1]
    assert second.cancelled()
