"""Headless Chromium for the report tests: Debian's `chromium`, driven by playwright's
Python package on the system browser (never `playwright install`).

Without the browser (or the driver, or poppler's pdftotext) a test fails when `CI` is
set, since CI installs them (.ci/run), and is skipped otherwise, with the line that
installs them, so a newcomer's bare clone still passes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from emuscore.report.pdf import find_chromium

INSTALL = ("install the browser and poppler: apt-get install -y chromium poppler-utils; and "
           "playwright's Python package: pip install -e '.[test]'")


def unavailable(what: str) -> None:
    message = f"{what} is not installed; {INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        unavailable("Chromium")
    assert path is not None
    return path


def pdftotext_path() -> str:
    path = shutil.which("pdftotext")
    if path is None:
        unavailable("pdftotext (poppler-utils)")
    assert path is not None
    return path


@contextmanager
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright's Python package")
        raise
    executable = chromium_path()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()
