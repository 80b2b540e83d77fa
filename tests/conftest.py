from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def project(tmp_path):
    from qualcode.project import Project

    with Project(tmp_path / "test.qualcode", create=True) as p:
        yield p
