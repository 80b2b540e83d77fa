"""The layering and the code style hold: import-linter's contracts and ruff, as part of the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import ROOT


def test_import_contracts_hold(capsys):
    from importlinter.cli import lint_imports

    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def test_a_broken_contract_is_caught(tmp_path):
    """The contracts can fail: in a copy of the package, a face importing the store breaks one."""
    shutil.copytree(ROOT / "qualcode", tmp_path / "qualcode", ignore=shutil.ignore_patterns("__pycache__"))
    with (tmp_path / "qualcode" / "cli" / "output.py").open("a", encoding="utf-8") as f:
        f.write("\nfrom ..store import Store  # a face reaching past Project\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    # a process of its own, started in the copy, so `qualcode` is the copy
    check = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
    result = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "qualcode.cli.output -> qualcode.store" in result.stdout


def test_ruff_passes():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
