from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI (`.ci/run`) runs the property tests derandomized: what lands is what was checked, and a
# failure there reproduces. Anywhere else they draw new examples each run, to find new bugs.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
# Real exports from NVivo, MAXQDA, ATLAS.ti and Taguette: beside our CI checkout only (third-party
# files, not ours to ship). Our own twins of them are built by fixtures/make_refi.py.
SAMPLES = SHARED / "refi-qda" / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(),
                                   reason="needs ../shared/refi-qda/samples (only beside the CI checkout)")


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path_factory, monkeypatch):
    """The workbench reads no keymap of whoever runs the tests."""
    monkeypatch.delenv("QUALCODE_KEYMAP", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def project(tmp_path):
    from qualcode.project import Project

    with Project(tmp_path / "test.qualcode", create=True) as p:
        yield p


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory):
    """The demo project, built once per test session. Copy it before writing (see `demo_path`)."""
    from qualcode.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.qualcode"
    build_demo(path)
    return path


@pytest.fixture
def demo_path(demo_built, tmp_path):
    """A private copy of the demo project that a test may change."""
    import sqlite3

    target = tmp_path / "demo.qualcode"
    with sqlite3.connect(demo_built) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


@pytest.fixture(scope="session")
def refi(tmp_path_factory) -> dict[str, Path]:
    """Our own REFI-QDA files, one per tool and quirk (tests/fixtures/make_refi.py): name -> path.
    Read them only; copy one before changing it."""
    from fixtures.make_refi import write_all

    return write_all(tmp_path_factory.mktemp("refi"))


def store_of(project):
    """The store beneath a project's facade, for tests that read rows or write as another tool would."""
    return project._store


@pytest.fixture(scope="module")
def schema():
    """The REFI-QDA Project schema (package data), compiled once a module."""
    from qualcode.exchange.validate import refi_schema

    return refi_schema("Project")
