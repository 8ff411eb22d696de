"""`emuscore report RUN.json --html DIR`: the published list, its printable annex and the
council's minutes, from a run record."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import click

from emuscore.cli.localized import Command
from emuscore.cli.options import iso_date
from emuscore.cli.progress import steps
from emuscore.i18n import N_, _
from emuscore.problems import EmuscoreError


@click.command(cls=Command, help=N_(
    "Publish RUN (a record from `score --record`): the list page, its annex, the minutes."))
@click.argument("run", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path),
              help=N_("Write the page (index.html) and the annex (annex.html) to this folder."))
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Print the annex (the proposal lists) to this PDF with headless Chromium."))
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Write the council's minutes (lists, units passed over and why, ties) to FILE.md."))
@click.option("--internal", is_flag=True,
              help=N_("The internal page: also why each unit failed an eligibility condition."))
@click.option("--published", metavar="YYYY-MM-DD", callback=iso_date,
              help=N_("Publication date, from which the objection period is counted [default: today]."))
@click.option("--quiet", "-q", is_flag=True, help=N_("Print nothing but errors."))
def report(run: Path, html_dir: Path | None, pdf: Path | None, markdown: Path | None,
           internal: bool, published: dt.date | None, quiet: bool) -> None:
    from emuscore.audit.record import load_record, ruleset_of
    from emuscore.manager import default_registry
    from emuscore.report import view

    day = published or dt.date.today()
    if html_dir is None and pdf is None and markdown is None:
        raise click.UsageError(_("say what to write: --html DIR, --pdf FILE or --markdown FILE"))
    _refuse_over_input(run, html_dir, pdf, markdown)
    # and through links, or onto each other, or into a folder that is not there
    from emuscore.io.outputs import Outputs

    outputs = Outputs([run])
    outputs.folder(html_dir, "--html")
    outputs.file(pdf, "--pdf")
    outputs.file(markdown, "--markdown")
    labels = [_("reading the run record"), _("reading its ruleset"),
              *([_("printing {file}").format(file=pdf)] if pdf is not None else []),
              *([_("writing {file}").format(file=markdown)] if markdown is not None else []),
              *([_("writing {folder}").format(folder=html_dir)] if html_dir is not None else [])]
    done: list[str] = []
    with steps(labels, quiet) as step:
        step()
        record = load_record(run)
        step()
        ruleset = ruleset_of(record, default_registry())

        def build(internal_view: bool) -> view.Report:
            return view.build(record, ruleset, record_name=run.name, published=day,
                              internal=internal_view)

        page = build(internal)
        # every output made first (the PDF by Chromium, the most likely to fail), then all
        # of them put in place together: a failure leaves nothing new and nothing changed
        if pdf is not None:
            from emuscore.report.html import render_annex
            from emuscore.report.pdf import pdf_of

            step()
            outputs.add(pdf, pdf_of(render_annex(page)))
            done.append(_("wrote {file}").format(file=pdf))
        if markdown is not None:
            from emuscore.report.markdown import minutes

            step()
            outputs.add(markdown, minutes(build(True)))
            done.append(_("wrote {file}").format(file=markdown))
        staged = None
        if html_dir is not None:
            from emuscore.report.html import replace_folder, stage_folder

            step()
            staged = stage_folder(page, html_dir)
            done.insert(0, _("wrote {folder}/index.html and annex.html").format(folder=html_dir))
        try:
            outputs.commit()
        except BaseException:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)
            raise
        if staged is not None and html_dir is not None:
            replace_folder(staged, html_dir)
    if not quiet:
        click.echo("\n".join(done))


def _refuse_over_input(run: Path, html_dir: Path | None, *files: Path | None) -> None:
    """No output may replace the record it is made from (a report folder is replaced whole,
    so the record may not sit inside it either)."""
    source = run.resolve()
    for out in files:
        if out is not None and out.resolve() == source:
            raise EmuscoreError(_("{out}: is the run record being reported; write the report "
                                  "elsewhere").format(out=out))
    if html_dir is not None and (html_dir.resolve() == source or
                                 html_dir.resolve() in source.parents):
        raise EmuscoreError(_("{out}: holds the run record being reported, and the report "
                              "folder is replaced whole; choose another folder").format(out=html_dir))
