"""Tooling guards that run with the tests: lint, types, and the layer contracts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (make install adds it)")
    return found


def check(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]


def test_ruff_lint() -> None:
    check([tool("ruff"), "check", "src", "tests", "benchmarks"])


def test_mypy() -> None:
    check([tool("mypy")])


def test_import_layers() -> None:
    check([tool("lint-imports")])


def test_pure_layers_import_without_qt_or_gl() -> None:
    code = ("import sys, twinstage, twinstage.anim.pose, twinstage.cli.commands; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'OpenGL')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    check([sys.executable, "-c", code])
