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
