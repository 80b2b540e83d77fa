"""What the hostile tests share: running the CLI, and checking that a failure was a clean one.

A clean failure: exit code 2, exactly one line on stderr (`qualcode: error: …`), and the
project byte for byte as it was, with no -wal or -shm file left beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.cli import main

SV = ("Fokusgrupp Kungsbacka\n\nModerator: Hur har det varit att delta?\n\n"
      "Åsa: Tryggt. Jag träffade Åsa Öberg på Kungsbackamottagningen.\n\n"
      "Moderator: Något som varit svårt?\n\nPer: Tiden. Det är efter jobbet.\n")
SIDECARS = ("", "-wal", "-shm", "-journal")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(project: Path) -> dict[str, bytes | None]:
    """The project file's bytes and its sidecars' (None: absent)."""
    return {s: (Path(f"{project}{s}").read_bytes() if Path(f"{project}{s}").exists() else None) for s in SIDECARS}


def assert_clean_failure(result: tuple[int, str, str], before: dict, project: Path, *, says: str) -> str:
    """Exit 2, one line on stderr that says `says`, the project unchanged; returns the line."""
    code, _out, err = result
    lines = err.splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("qualcode: error: ") and says in lines[0], lines[0]
    assert snapshot(project) == before
    return lines[0]


def cli_subprocess(argv: list, *, cwd: Path | None = None, env: dict | None = None, fsize: int | None = None,
                   without_root_rights: bool = False, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI in a process of its own: with a file size limit (a disk that fills up), or
    without root's right to write what is read-only (root may write anything)."""
    command = [sys.executable, "-c", "import sys; from qualcode.cli import main; sys.exit(main(sys.argv[1:]))",
               *map(str, argv)]
    if without_root_rights and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop the right to write read-only files")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable", "--",
                   *command]

    def limit_file_size() -> None:  # Python ignores SIGXFSZ: a write past the limit fails with EFBIG
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
                          preexec_fn=limit_file_size if fsize else None)
