"""The printable annex as PDF, printed by headless Chromium from the rendered HTML (the
same engine the public page is checked in, so the annex prints as the page renders)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from emuscore.i18n import _
from emuscore.io.atomic import write_atomically
from emuscore.problems import EmuscoreError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The browser to print with: $EMUSCORE_CHROMIUM, else the first of BROWSERS on PATH."""
    chosen = os.environ.get("EMUSCORE_CHROMIUM")
    if chosen:
        return chosen
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_pdf(html: str, out: Path, timeout: float = 120) -> None:
    """Print `html` to the PDF `out` (A4, as the page's print CSS lays it out), atomically."""
    write_atomically(out, pdf_of(html, timeout))


def pdf_of(html: str, timeout: float = 120) -> bytes:
    """`html` printed to PDF by headless Chromium (A4, as the page's print CSS lays it out)."""
    browser = find_chromium()
    if browser is None:
        raise EmuscoreError(_("--pdf needs Chromium, which is not installed; install it "
                              "(apt-get install chromium) or set EMUSCORE_CHROMIUM to the browser"))
    with tempfile.TemporaryDirectory(prefix="emuscore-pdf-") as work:
        page, pdf = Path(work, "annex.html"), Path(work, "annex.pdf")
        page.write_text(html, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   f"--user-data-dir={work}/profile", "--no-pdf-header-footer",
                   f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise EmuscoreError(_("{browser} could not print the annex: {error}").format(
                browser=browser, error=e)) from None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise EmuscoreError(_("{browser} printed no PDF (exit {code}): {error}").format(
                browser=browser, code=done.returncode, error=" ".join(tail)))
        return pdf.read_bytes()
