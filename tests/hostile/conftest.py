"""Fixtures of the hostile corpus: every hostile file is made by code in tmp_path."""

from __future__ import annotations

import shutil
import signal

import pytest

from hostile.hostile_kit import SV
from qualcode.cli import main


@pytest.fixture(autouse=True)
def never_hang():
    """A test that would hang (a FIFO opened for reading) fails instead."""
    def timeout(signum, frame):
        raise TimeoutError("the command hung")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def base_project(tmp_path_factory):
    """A small project: one Swedish transcript, two codes, one coded segment. Built once."""
    folder = tmp_path_factory.mktemp("base")
    path = folder / "p.qualcode"
    source = folder / "intervju_Kungsbacka.txt"
    source.write_text(SV, encoding="utf-8")
    for argv in (["import", source], ["codebook", "add", "Trygghet"], ["codebook", "add", "Tid"],
                 ["code", "intervju_Kungsbacka", "Trygghet", "--unit", "turn:1", "--coder", "anna"]):
        assert main(["-p", str(path), *map(str, argv)]) == 0, argv
    return path


@pytest.fixture
def project(base_project, tmp_path, capsys):
    """A private copy of the base project (closed, so one file)."""
    path = tmp_path / "p.qualcode"
    shutil.copy(base_project, path)
    capsys.readouterr()
    return path


@pytest.fixture
def sv_file(tmp_path):
    path = tmp_path / "fg.txt"
    path.write_text(SV, encoding="utf-8")
    return path

