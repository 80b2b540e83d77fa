"""The project file under hostile and unlucky conditions: not a project, a newer schema, read-only
file or folder, another process holding the lock, a full disk. Reads work where they can;
every write that cannot be done is one line, exit 2, the project byte-identical."""

from __future__ import annotations

import json
import os
import sqlite3
import threading

import pytest

from hostile.hostile_kit import SV, assert_clean_failure, cli_subprocess, run, snapshot
from qualcode.store import opening


@pytest.mark.parametrize("kind", ["directory", "fifo", "device"])
def test_a_project_path_that_is_no_file(tmp_path, capsys, kind):
    path = tmp_path / "p.qualcode"
    says = {"directory": "not a qualcode project (a directory)", "fifo": "not a qualcode project (a FIFO)",
            "device": "not a qualcode project (a device)"}[kind]
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    for argv in (["docs"], ["codebook", "add", "X"]):
        code, _, err = run(capsys, "-p", path, *argv)
        assert code == 2 and err.splitlines() == [f"qualcode: error: {says} ({path})"], err
    assert not list(tmp_path.glob("p.qualcode-*"))


def test_merge_of_a_directory_is_refused(project, tmp_path, capsys):
    folder = tmp_path / "co.qualcode"
    folder.mkdir()
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "merge", folder), before, project,
                         says="not a qualcode project (a directory)")


def test_a_path_with_uri_characters_opens_that_file_and_leaves_nothing_beside_it(project, tmp_path, capsys):
    decoy, target = tmp_path / "co", tmp_path / "co#1%41?x=y.qualcode"
    assert run(capsys, "-p", decoy, "codebook", "add", "Från lockbetet")[0] == 0
    assert run(capsys, "-p", target, "codebook", "add", "Från medförfattaren")[0] == 0
    kept = snapshot(target)
    code, out, err = run(capsys, "-p", project, "merge", target, "--json")
    assert code == 0, err
    names = [c["name"] for c in json.loads(run(capsys, "-p", project, "codebook", "show", "--json")[1])]
    assert "Från medförfattaren" in names and "Från lockbetet" not in names
    assert snapshot(target) == kept  # read-only and immutable: no -wal, no -shm beside it


def add_future_migration(project) -> None:
    conn = sqlite3.connect(project)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES"
                     " ('qualcode', 'm099_future', '2031-01-01')")
    conn.close()  # the last connection: the log is checkpointed and removed


def test_a_project_from_a_newer_qualcode_is_read_but_never_written(project, capsys):
    add_future_migration(project)
    before = snapshot(project)
    code, out, err = run(capsys, "-p", project, "docs", "--json")
    assert code == 0 and [d["name"] for d in json.loads(out)] == ["intervju_Kungsbacka"], err
    for argv in (["codebook", "add", "Ny"], ["code", "intervju_Kungsbacka", "Tid", "--unit", "turn:2"],
                 ["settings", "display_language", "sv"]):
        assert_clean_failure(run(capsys, "-p", project, *argv), before, project,
                             says="cannot change the project: made by a newer qualcode (project schema m099_future;"
                                  " this qualcode knows up to m005_word_index_by_document): update qualcode")


@pytest.mark.slow
def test_a_read_only_project_file_reads_and_refuses_writes(project, tmp_path, sv_file):
    project.chmod(0o444)
    before = snapshot(project)
    docs = cli_subprocess(["-p", project, "docs", "--json"], without_root_rights=True)
    assert docs.returncode == 0 and json.loads(docs.stdout)[0]["name"] == "intervju_Kungsbacka", docs.stderr
    other = tmp_path / "other.txt"
    other.write_text(SV.replace("Kungsbacka", "Mölndal"), encoding="utf-8")
    for argv in (["code", "intervju_Kungsbacka", "Tid", "--unit", "turn:2"], ["import", other]):
        result = cli_subprocess(["-p", project, *argv], without_root_rights=True)
        assert_clean_failure((result.returncode, result.stdout, result.stderr), before, project,
                             says="cannot change the project: the project file is read-only")


@pytest.mark.slow
def test_a_project_in_a_read_only_folder_reads_and_refuses_writes(project, tmp_path):
    folder = project.parent
    before = snapshot(project)
    listing = sorted(p.name for p in folder.iterdir())
    folder.chmod(0o555)
    try:
        docs = cli_subprocess(["-p", project, "docs"], without_root_rights=True)
        assert docs.returncode == 0 and "intervju_Kungsbacka" in docs.stdout, docs.stderr
        result = cli_subprocess(["-p", project, "codebook", "add", "Ny"], without_root_rights=True)
        assert_clean_failure((result.returncode, result.stdout, result.stderr), before, project,
                             says="cannot change the project: the project's folder is read-only")
        result = cli_subprocess(["-p", folder / "new.qualcode", "codebook", "add", "Ny"], without_root_rights=True)
        assert result.returncode == 2 and result.stderr.splitlines() == [
            f"qualcode: error: cannot open the project (permission denied, or the folder is missing) "
            f"({folder / 'new.qualcode'})"], result.stderr
        assert sorted(p.name for p in folder.iterdir()) == listing
    finally:
        folder.chmod(0o755)


@pytest.fixture
def lock_holder(project, monkeypatch):
    """Another process's write transaction on the project (a connection of its own), and short
    waits: the notice after 0.2 s, giving up after 1 s."""
    monkeypatch.setattr(opening, "LOCK_NOTICE", 0.2)
    monkeypatch.setenv("QUALCODE_LOCK_WAIT", "1")
    conn = sqlite3.connect(project, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def codes(project) -> list[str]:
    conn = sqlite3.connect(project)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM codes ORDER BY id")]
    finally:
        conn.close()


def test_a_writer_waits_for_the_lock_saying_so_once_then_gives_up_cleanly(project, lock_holder, capsys):
    before = snapshot(project)[""]
    code, _, err = run(capsys, "-p", project, "codebook", "add", "Ny")
    assert code == 2
    assert err.splitlines() == ["qualcode: waiting for another qualcode process…",
                                f"qualcode: error: the project is busy: another qualcode process holds it "
                                f"(waited 1 s) ({project})"]
    lock_holder.execute("ROLLBACK")
    assert snapshot(project)[""] == before and codes(project) == ["Trygghet", "Tid"]


def test_a_writer_goes_on_when_the_lock_is_freed(project, lock_holder, capsys):
    threading.Timer(0.5, lambda: lock_holder.execute("ROLLBACK")).start()
    code, out, err = run(capsys, "-p", project, "codebook", "add", "Ny")
    assert code == 0, err
    assert err.splitlines() == ["qualcode: waiting for another qualcode process…"]
    assert codes(project) == ["Trygghet", "Tid", "Ny"]


@pytest.mark.slow
def test_a_full_disk_while_importing_writes_nothing(project, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(SV.replace("Kungsbacka", "Mölndal") * 40, encoding="utf-8")
    before = snapshot(project)
    # files may not grow past 48 KiB: the -shm (32 KiB) fits, the write-ahead log fills up
    result = cli_subprocess(["-p", project, "import", other], fsize=48 * 1024)
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0] in (f"qualcode: error: no space left on the disk: nothing was written ({project})",
                        f"qualcode: error: cannot write the project (disk I/O error): nothing was written ({project})")
    assert snapshot(project)[""] == before[""]
    check = cli_subprocess(["-p", project, "docs", "--json"])
    assert [d["name"] for d in json.loads(check.stdout)] == ["intervju_Kungsbacka"], check.stderr
    assert snapshot(project) == before


@pytest.mark.slow
def test_a_full_disk_while_exporting_leaves_no_file(project, tmp_path):
    out = tmp_path / "kodbok.docx"
    before = snapshot(project)
    result = cli_subprocess(["-p", project, "codebook", "export", out], fsize=34 * 1024)  # the .docx is ~37 KiB
    assert result.returncode == 2 and result.stderr.splitlines() == [
        f"qualcode: error: no space left on the disk: nothing was written ({out})"], result.stderr
    assert not out.exists() and not list(tmp_path.glob(".kodbok.docx.*"))
    assert snapshot(project) == before


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_exported_files_get_the_mode_the_umask_gives(project, tmp_path, capsys, mask, mode):
    import stat

    from qualcode.files import umask

    previous = os.umask(mask)
    try:
        assert umask() == mask
        for argv in (["export", "themes", tmp_path / "t.docx"], ["export", "qdpx", tmp_path / "p.qdpx"],
                     ["codebook", "export", tmp_path / "c.yaml"]):
            assert run(capsys, "-p", project, *argv)[0] == 0, argv
            assert stat.S_IMODE(os.stat(argv[-1]).st_mode) == mode, argv
    finally:
        os.umask(previous)
