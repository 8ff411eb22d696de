"""Misbehaving plugins for the corpus's plugin cases (registered by name per case).

Each does one thing a plugin must not: end the process, hang, change its inputs, return
the wrong type, crash. emuscore must report each with the plugin's name and version."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from attrs import frozen

from emuscore.plugin import Indicator, ScoreContext, Scorer, Writer, hookimpl


@frozen
class ValueParams:
    value: Indicator


class _Base(Scorer[ValueParams]):
    Params = ValueParams
    description = "a misbehaving test scorer"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        raise NotImplementedError


class Slow(_Base):
    """Never returns in reasonable time (a stuck loop); writes a marker file when it starts
    if EMUSCORE_TEST_MARK names one, so a test knows when to send a signal."""

    name = "slow"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        mark = os.environ.get("EMUSCORE_TEST_MARK")
        if mark:
            Path(mark).write_text("started", encoding="utf-8")
        end = time.monotonic() + 60
        while time.monotonic() < end:
            time.sleep(0.01)
        return np.zeros(ctx.size, np.int64)


class Exits(_Base):
    name = "exits"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        sys.exit(0)


class Interrupts(_Base):
    name = "interrupts"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        raise KeyboardInterrupt


class Mutates(_Base):
    name = "mutates"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        col = ctx.column("value")
        col.values[0] = 0           # "clean up" the data in place
        return np.zeros(ctx.size, np.int64)


class MutatesMissing(_Base):
    name = "mutates_missing"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        ctx.column("value").missing[:] = False
        return np.zeros(ctx.size, np.int64)


class Floats(_Base):
    name = "floats"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        return np.full(ctx.size, 0.1)


class Crashes(_Base):
    name = "crashes"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        return {}["x"]                 # a KeyError deep in plugin code


class Short(_Base):
    name = "short"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        return np.zeros(ctx.size - 1, np.int64)


class ReturnsList(_Base):
    name = "returns_list"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        return [0] * ctx.size


class Huge(_Base):
    name = "huge"

    def score(self, ctx: ScoreContext[ValueParams]) -> Any:
        return np.full(ctx.size, 10**15, np.int64)


SlowScorer = Slow()
ExitScorer = Exits()
InterruptScorer = Interrupts()
MutatingScorer = Mutates()
MutatingMissingScorer = MutatesMissing()
FloatScorer = Floats()
CrashScorer = Crashes()
ShortScorer = Short()
ListScorer = ReturnsList()
HugeScorer = Huge()


class _Hooks:
    __version__ = "6.6.6"


class ValidateReturnsInt(_Hooks):
    @staticmethod
    @hookimpl
    def validate_ruleset(ruleset: Any) -> Any:
        return 5


class ValidateReturnsText(_Hooks):
    @staticmethod
    @hookimpl
    def validate_ruleset(ruleset: Any) -> Any:
        return "everything is wrong"


class ValidateRaises(_Hooks):
    @staticmethod
    @hookimpl
    def validate_ruleset(ruleset: Any) -> Any:
        raise RuntimeError("the plugin's database is down")


class ValidateExits(_Hooks):
    @staticmethod
    @hookimpl
    def validate_ruleset(ruleset: Any) -> Any:
        sys.exit(0)


class FinishedInterrupts(_Hooks):
    @staticmethod
    @hookimpl
    def run_finished(result: Any) -> None:
        raise KeyboardInterrupt


class FinishedExits(_Hooks):
    @staticmethod
    @hookimpl
    def run_finished(result: Any) -> None:
        sys.exit(3)


class RegistersJunk(_Hooks):
    @staticmethod
    @hookimpl
    def register_scorers(register: Any) -> None:
        register("not a scorer")


class SecondPassFail(_Hooks):
    @staticmethod
    @hookimpl
    def register_scorers(register: Any) -> None:
        from emuscore.scorers.pass_fail import PassFail

        register(PassFail())


class BadWriter(_Hooks):
    @staticmethod
    @hookimpl
    def register_writers(register: Any) -> None:
        register(Writer("bad", ".bad", lambda result: 42, "returns a number, not the file"))


class CrashingWriter(_Hooks):
    @staticmethod
    @hookimpl
    def register_writers(register: Any) -> None:
        def write(result: Any) -> str:
            raise MemoryError

        register(Writer("crash", ".crash", write, "runs out of memory"))
