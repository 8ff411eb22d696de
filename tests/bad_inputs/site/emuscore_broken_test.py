"""An installed plugin that cannot be imported (only when EMUSCORE_TEST_BROKEN says how, so
that this folder on PYTHONPATH changes nothing for other cases)."""

import os
import sys

if os.environ.get("EMUSCORE_TEST_BROKEN") == "import":
    raise ImportError("the plugin needs a module that is not installed")
if os.environ.get("EMUSCORE_TEST_BROKEN") == "exit":
    sys.exit("bye")

if os.environ.get("EMUSCORE_TEST_BROKEN") == "junk":
    from emuscore.plugin import hookimpl

    @hookimpl
    def register_scorers(register):  # type: ignore[no-untyped-def]
        register("not a scorer")

if os.environ.get("EMUSCORE_TEST_BROKEN") == "slow":
    import time
    from pathlib import Path

    import numpy as np
    from attrs import frozen

    from emuscore.plugin import Indicator, Scorer, hookimpl

    @frozen
    class SlowParams:
        value: Indicator

    class Slow(Scorer[SlowParams]):
        """Writes EMUSCORE_TEST_MARK when it starts, then takes a minute."""

        name = "slow"
        Params = SlowParams

        def score(self, ctx):  # type: ignore[no-untyped-def]
            Path(os.environ["EMUSCORE_TEST_MARK"]).write_text("started", encoding="utf-8")
            time.sleep(60)
            return np.zeros(ctx.size, np.int64)

    @hookimpl
    def register_scorers(register):  # type: ignore[no-untyped-def]
        register(Slow())

if os.environ.get("EMUSCORE_TEST_BROKEN") == "stuck":
    import threading
    from pathlib import Path

    import numpy as np
    from attrs import frozen

    from emuscore.plugin import Indicator, Scorer, hookimpl

    @frozen
    class StuckParams:
        value: Indicator

    class Stuck(Scorer[StuckParams]):
        """Thread-safe, so scored on another core at 50,000 units or more, and never
        returns: writes EMUSCORE_TEST_MARK (if set) when it starts, then waits forever."""

        name = "stuck"
        Params = StuckParams
        threadsafe = True

        def score(self, ctx):  # type: ignore[no-untyped-def]
            mark = os.environ.get("EMUSCORE_TEST_MARK")
            if mark:
                Path(mark).write_text("started", encoding="utf-8")
            threading.Event().wait()
            return np.zeros(ctx.size, np.int64)

    @hookimpl
    def register_scorers(register):  # type: ignore[no-untyped-def]
        register(Stuck())
