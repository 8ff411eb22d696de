"""Starter folders for `emuscore init`: a ruleset, sample data and a README of next steps
in Vietnamese, copied from the templates shipped in the package (emuscore/templates/).

Each template is a bundled example of rulesets/ as a secretariat starts from it
(tests/test_init.py checks the copies are the same): `ruleset.toml`, `data/units.csv`,
`data/measures.csv` and `README.md`, to which `init` adds the ruleset format's
`schema.json` for the editor."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from emuscore.i18n import N_, _
from emuscore.io.atomic import write_atomically
from emuscore.problems import EmuscoreError, Problem, did_you_mean

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = {
    "province": N_("a province's emulation clusters and blocks (cụm, khối thi đua): the 2024 "
                   "sheet of 100 points in 8 groups, 294 units in 26 clusters (lang-son-2024)"),
    "commune-2025": N_("a 2025 commune-level sheet under two-tier local government: communes, "
                       "wards and special zones in clusters of 6 to 9, 114 units in 15 clusters "
                       "(commune-2025)"),
    "sector": N_("a sector's block whose professional criteria a plugin scores: education "
                 "departments (education-2024; needs emuscore-education)"),
}
DEFAULT = "province"


def template_files(name: str) -> list[Path]:
    """The files of template `name`, relative to its folder, in a stable order."""
    if name not in TEMPLATES:
        raise EmuscoreError(Problem(
            _("no template '{name}'{hint}; the templates are: {names}").format(
                name=name, hint=did_you_mean(name, TEMPLATES), names=", ".join(TEMPLATES))))
    folder = TEMPLATE_DIR / name
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def create(name: str, target: Path, extra: dict[str, str]) -> list[Path]:
    """Write template `name` into `target` (created if missing, refused if not empty),
    and the `extra` files (relative name -> text); returns the paths written. The folder
    appears whole or not at all: it is filled under a temporary name beside it, then
    renamed into place."""
    files = template_files(name)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise EmuscoreError(Problem(
            _("the folder is not empty; init writes only into a new or empty folder, so that "
              "no file of yours is overwritten: give a new folder name"), str(target)))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    staging.mkdir()         # with the user's usual permissions, which the folder keeps
    try:
        contents = {**{str(r): (TEMPLATE_DIR / name / r).read_bytes() for r in files},
                    **{r: t.encode("utf-8") for r, t in extra.items()}}
        for relative, data in contents.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            write_atomically(staging / relative, data)
        try:
            os.replace(staging, target)
        except OSError as e:    # e.g. a file appeared in the folder meanwhile
            raise EmuscoreError(Problem(_("cannot create the folder: {reason}").format(reason=e),
                                        str(target))) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return [target / relative for relative in contents]


def unmet(ruleset: Path) -> list[str]:
    """What to install before the starter's ruleset can be scored (its `requires` that the
    installed packages do not meet), e.g. the sector template's plugin."""
    import tomllib

    from emuscore.ruleset import unmet_requirements

    requires = tomllib.loads(ruleset.read_text(encoding="utf-8")).get("ruleset", {}).get("requires", [])
    return [message for _i, message in unmet_requirements(requires)]


__all__ = ["DEFAULT", "TEMPLATES", "TEMPLATE_DIR", "create", "template_files", "unmet"]
