"""The report as static HTML: one self-contained page (CSS and the chart inline, no
request of any kind; a Content-Security-Policy says so to the browser too), and the
printable annex of proposal lists. The folder appears whole or not at all."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from emuscore.i18n import _
from emuscore.problems import EmuscoreError
from emuscore.report.chart import totals_chart
from emuscore.report.view import Report, decimal_comma

if TYPE_CHECKING:
    import jinja2

PAGE, ANNEX = "index.html", "annex.html"
CHART_UP_TO = 300
"""Clusters up to which the page draws its chart (a row per cluster: beyond a few
hundred rows a picture no longer says it better than the tables)."""


def _environment() -> jinja2.Environment:
    import jinja2  # only reports need it

    env = jinja2.Environment(loader=jinja2.PackageLoader("emuscore.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=False, keep_trailing_newline=True)
    env.filters["vn"] = decimal_comma
    env.filters["vn_date"] = lambda day: f"{day:%d/%m/%Y}" if isinstance(day, dt.date) else ""
    return env


def _css() -> str:
    return resources.files("emuscore.report").joinpath("templates/style.css").read_text("utf-8")


def render_page(report: Report) -> str:
    """The public (or internal) page."""
    chart = (totals_chart(report.clusters, tuple(a.title for a in report.awards), report.scale)
             if "totals" in report.shows and len(report.clusters) <= CHART_UP_TO else "")
    return _environment().get_template("report.html.j2").render(r=report, css=_css(), chart=chart)


def render_annex(report: Report) -> str:
    """The annex: each award's proposal list, for printing as a decision's annex."""
    return _environment().get_template("annex.html.j2").render(r=report, css=_css())


def write_folder(report: Report, folder: Path) -> None:
    """`folder`/index.html and annex.html, built in a temporary folder beside it and
    renamed into place, so a reader never finds half a report; a report already there
    is replaced."""
    replace_folder(stage_folder(report, folder), folder)


def stage_folder(report: Report, folder: Path) -> Path:
    """The report's pages written into a new temporary folder beside `folder` (for
    `replace_folder`); nothing appears at `folder` yet."""
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise EmuscoreError(_("{folder}: the folder {parent} does not exist").format(
            folder=folder, parent=parent))
    if folder.exists() and not folder.is_dir():
        raise EmuscoreError(_("{folder}: is a file, not a folder; choose a folder for the "
                              "report").format(folder=folder))
    building = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        os.chmod(building, 0o777 & ~_umask())
        for name, text in ((PAGE, render_page(report)), (ANNEX, render_annex(report))):
            (building / name).write_text(text, encoding="utf-8")
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return building


def replace_folder(building: Path, folder: Path) -> None:
    """Put a staged folder in place of `folder` (an old report there is replaced whole, and
    put back if the rename fails); the staged folder is removed on failure."""
    parent = building.parent
    try:
        old = None
        if folder.exists():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}.", suffix=".old"))
            os.replace(folder, old / folder.name)
        try:
            os.replace(building, folder)
        except BaseException:
            if old is not None:             # put the old report back where it was
                os.replace(old / folder.name, folder)
                old.rmdir()
            raise
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
