"""A council's install, for real: a fresh venv, emuscore and a sector plugin installed with
pip, the plugin's ruleset run through the `emuscore` console script.

emuscore's own dependencies (numpy, attrs, ...) are not downloaded again: the venv sees
this environment's copies through a .pth file listing only those distributions, so
neither emuscore nor the plugins installed here leak into it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns("*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "build")


def link_dependencies(target: Path) -> None:
    """Symlink emuscore's dependencies (packages, modules and dist-info) into `target`."""
    target.mkdir()
    pending = [Requirement(r).name for r in metadata.requires("emuscore") or []
               if "extra ==" not in r]
    seen: set[str] = set()
    while pending:
        dist = metadata.distribution(pending.pop())
        if dist.metadata["Name"] in seen:
            continue
        seen.add(dist.metadata["Name"])
        pending += [Requirement(r).name for r in dist.requires or [] if "extra ==" not in r]
        site = Path(str(dist.locate_file("")))
        for top in {Path(str(f)).parts[0] for f in dist.files or []} - {"..", "bin"}:
            if (site / top).exists() and not (target / top).exists():
                (target / top).symlink_to(site / top)


def run(*args: str | Path, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("EMUSCORE_", "PYTHON", "VIRTUAL_ENV"))}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    if ok and done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return done


def test_a_sector_plugin_installs_with_pip_and_runs_its_ruleset(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "src", tmp_path / "emuscore" / "src", ignore=IGNORE)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / "emuscore" / name)
    shutil.copytree(ROOT / "plugins" / "emuscore-police", tmp_path / "police", ignore=IGNORE)
    link_dependencies(tmp_path / "deps")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "emuscore-deps.pth").write_text(f"import site; site.addsitedir({str(tmp_path / 'deps')!r})\n")
    bin_ = venv / "bin"
    run(bin_ / "pip", "install", "-q", "--no-deps", tmp_path / "emuscore", cwd=tmp_path)

    ruleset, data = ROOT / "rulesets" / "police-2024.toml", ROOT / "rulesets" / "police-2024"
    missing = run(bin_ / "emuscore", "score", ruleset, data, cwd=tmp_path, ok=False)
    assert missing.returncode == 1
    assert "requires emuscore-police>=1.0, which is not installed: pip install 'emuscore-police>=1.0'" \
        in missing.stderr

    run(bin_ / "pip", "install", "-q", "--no-deps", tmp_path / "police", cwd=tmp_path)
    where = run(bin_ / "python", "-c", "import emuscore, emuscore_police; "
                "print(emuscore.__file__); print(emuscore_police.__file__)", cwd=tmp_path)
    assert all(line.startswith(str(venv)) for line in where.stdout.splitlines())
    listing = json.loads(run(bin_ / "emuscore", "plugins", "--json", cwd=tmp_path).stdout)
    police = next(p for p in listing if p["name"] == "emuscore-police")
    assert (police["origin"], police["version"], police["scorers"]) == \
        ("package", "1.0.0", ["case_clearance", "reduction"])

    out = tmp_path / "results.csv"
    scored = run(bin_ / "emuscore", "score", ruleset, data, "--out", out, cwd=tmp_path)
    assert "Cờ thi đua của Bộ Công an (co_thi_dua_bo): 2 proposed" in scored.stdout
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("unit_id,name,cluster_id,total,") and "kham_pha_an" in rows[0]
    assert len(rows) == 1 + 11
