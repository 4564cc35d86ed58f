"""The layer rule of docs/architecture.md holds (import-linter contracts in pyproject.toml), and a change that
breaks it fails the check: a lower layer importing a higher one, a plain core importing Django, an edge
importing another edge, pyodbc outside scripts_app.sql."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["root_packages"]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "Contracts: " in result.stdout


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    """The project's packages and pyproject.toml in a scratch folder, where a test may add a bad import."""
    target = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", target)
    for package in _root_packages():
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("calls/profile.py", "import acd.models", "Layers"),
        ("scripts_app/engine/graph.py", "import django.db", "Plain cores import neither Django nor pjsua2"),
        ("core/access.py", "import media_worker.flows.inbound", "Layers"),
        ("routing/lifecycle.py", "import pyodbc", "Only scripts_app.sql imports pyodbc"),
        ("acd/services/agents.py", "import channels.layers", "Only acd.notifier talks to the channel layer"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(copy_of_the_code, module, line, contract):
    path = copy_of_the_code / module
    original = path.read_text()
    path.write_text(original + f"\n{line}  # a forbidden import\n")
    try:
        result = _lint(copy_of_the_code)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    broken = result.stdout[result.stdout.index("Broken contracts") :]
    assert contract in broken and line.split()[-1].split(".")[0] in broken
