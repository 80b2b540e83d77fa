"""Importing folders of transcripts, and analysing them in worker processes: in order, all or nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import CORPORA
from qualcode.cli import main
from qualcode.errors import QualcodeError
from qualcode.text import parallel, prepare
from qualcode.text.files import collect_sources

SV = "Moderator: Hur har det varit att delta i gruppen?\n\nD1: Tryggt, faktiskt. Vi pratar om svåra möten.\n"
ZH = "主持人：大家觉得小组怎么样？\n\n护士A：我觉得很有帮助。我们谈了很多困难的病人。\n"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_collect_sources_walks_folders_in_a_fixed_order_and_says_why_it_skips(tmp_path):
    root = tree(tmp_path / "study", {
        "b.txt": SV, "a.md": SV, "README.md": "about", "notes.csv": "x", "Makefile": "x",
        "~$intervju.docx": "lock", ".DS_Store": "x", ".git/config": "x", "project.qualcode": "",
        "project.qualcode-wal": "", "export.qdpx": "x",
        "zh/c.TXT": ZH, "zh/deeper/d.vtt": "WEBVTT\n", "sv/e.srt": "1\n",
    })
    files, skipped = collect_sources([root, root / "b.txt"])  # b.txt reached twice: taken once
    assert [f.relative_to(root).as_posix() for f in files] == [
        "a.md", "b.txt", "sv/e.srt", "zh/c.TXT", "zh/deeper/d.vtt"]
    assert [(Path(f).relative_to(root).as_posix(), why) for f, why in skipped] == [
        ("Makefile", "not a transcript type (no extension)"),
        ("README.md", "a README, not a transcript (name the file to import it)"),
        ("export.qdpx", "a REFI-QDA project: import it on its own"),
        ("notes.csv", "not a transcript type (.csv)"),
        ("~$intervju.docx", "a lock file Word leaves while a document is open"),
    ]


def test_a_file_reached_by_a_link_or_a_linked_folder_is_taken_once(tmp_path):
    root = tree(tmp_path / "study", {"a.txt": SV, "sub/b.txt": ZH})
    (root / "z-link.txt").symlink_to(root / "a.txt")  # a link to a file beside it
    (tmp_path / "alias").symlink_to(root)  # the folder named by another path
    files, _ = collect_sources([root, tmp_path / "alias" / "sub" / "b.txt", tmp_path / "alias"])
    assert [f.relative_to(root).as_posix() for f in files] == ["a.txt", "sub/b.txt"]


def test_collect_sources_takes_a_named_file_as_it_is(tmp_path):
    files, skipped = collect_sources([tmp_path / "README.md", tmp_path / "missing.csv"])
    assert files == [tmp_path / "README.md", tmp_path / "missing.csv"] and skipped == []


def test_import_the_demo_corpus_folder(tmp_path, capsys):
    path = tmp_path / "p.qualcode"
    code, out, err = run(capsys, "-p", path, "import", CORPORA, "--json")
    assert code == 0, err
    manifest = (CORPORA / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    names = sorted(Path(line.split(",")[0]).stem for line in manifest if line.strip())
    assert sorted(d["name"] for d in json.loads(out)) == names and len(names) == 7
    assert err.splitlines() == [
        f"qualcode: skipped {CORPORA / 'README.md'}: a README, not a transcript (name the file to import it)",
        f"qualcode: skipped {CORPORA / 'demo_codings.csv'}: not a transcript type (.csv)",
        f"qualcode: skipped {CORPORA / 'manifest.csv'}: not a transcript type (.csv)",
        f"qualcode: skipped {CORPORA / 'participants.csv'}: not a transcript type (.csv)",
        f"qualcode: skipped {CORPORA / 'tools' / 'make_fokusgrupp2_docx.py'}: not a transcript type (.py)",
    ]


def test_a_folder_without_transcripts_is_an_error_and_leaves_no_project(tmp_path, capsys):
    folder = tree(tmp_path / "empty", {"notes.csv": "x"})
    code, _, err = run(capsys, "-p", tmp_path / "p.qualcode", "import", folder)
    assert code == 2
    assert err.splitlines()[-1] == (f"qualcode: error: is a directory with no transcripts in it "
                                    f"(txt, md, docx, vtt, srt) ({folder})")
    assert not (tmp_path / "p.qualcode").exists()


def test_jobs_must_be_a_positive_number(tmp_path, capsys):
    code, _, err = run(capsys, "-p", tmp_path / "p.qualcode", "import", CORPORA, "--jobs", "0")
    assert code == 2 and "expected a whole number of at least 1, got '0'" in err


@pytest.fixture
def files(tmp_path):
    root = tree(tmp_path / "t", {f"t{i}.txt": (SV if i % 2 else ZH).replace("gruppen", f"gruppen {i}")
                                 .replace("小组", f"小组{i}") for i in range(6)})
    return sorted(root.iterdir())


def test_workers_give_the_same_documents_in_input_order(files):
    here = list(parallel.read_and_analyse(files, jobs=1))
    seen = []
    there = list(parallel.read_and_analyse(files, jobs=2, min_bytes=0,
                                           progress=lambda what, done, total: seen.append((what, done, total))))
    assert [d.source_name for d in there] == [f.name for f in files]
    for a, b in zip(here, there, strict=True):
        assert (a.text, a.turns, a.sentences, a.lemmas) == (b.text, b.turns, b.sentences, b.lemmas)
        words = [word for word, _ in json.loads(a.lemmas, object_pairs_hook=list)]
        assert a.sentences and words
        assert words == sorted(set(words))  # the store appends them in this order
    assert seen == [(f"analysed {f.name}", i, 6) for i, f in enumerate(files, start=1)]


def test_a_bad_file_among_many_imports_nothing_and_is_named(files, tmp_path, monkeypatch):
    from qualcode.project import Project

    bad = files[3]
    bad.write_bytes(b"\x00\x01\x02binary" * 100)
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    with Project(tmp_path / "p.qualcode", create=True) as project:
        with pytest.raises(QualcodeError) as caught:
            project.documents.import_files(files, jobs=2)
        assert caught.value.item == str(bad) and caught.value.message == "binary file, not text"
    with sqlite3.connect(tmp_path / "p.qualcode") as db:
        assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_the_progress_bar_shows_only_at_a_terminal_and_never_with_json(monkeypatch, capsys):
    import sys

    from qualcode.cli.output import _progress_bar

    with _progress_bar(None, "importing") as update:
        assert update is None  # stderr is not a terminal here
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _progress_bar(None, "importing", quiet=True) as update:
        assert update is None
    with _progress_bar(None, "importing") as update:
        update("analysed a.txt", 1, 2)
    assert "analysed a.txt" in capsys.readouterr().err


async def test_the_workbench_imports_a_folder(demo_path, tmp_path):
    from textual.widgets import OptionList

    from qualcode.tui.app import make_app

    folder = tree(tmp_path / "nya", {"a.txt": SV, "b/c.txt": ZH, "notes.csv": "x"})
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        app.import_files([folder])
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        documents = app.query_one("#documents", OptionList)
        ids = [documents.get_option_at_index(i).id for i in range(documents.option_count)]
        assert len([i for i in ids if i and i.startswith("doc-")]) == 9
        assert any(n.message == "imported 2 documents, skipped 1: notes.csv (not a transcript type (.csv))"
                   for n in app._notifications)


def test_a_fault_while_analysing_becomes_an_error_naming_the_file(files, monkeypatch):
    def broken(doc):
        raise ValueError("no pipeline")

    monkeypatch.setattr(prepare, "analyze_document", broken)
    with pytest.raises(QualcodeError) as caught:
        list(parallel.read_and_analyse(files, jobs=1))
    assert str(caught.value) == f"cannot analyse the file: ValueError: no pipeline ({files[0]})"


def test_the_server_starts_early_only_for_an_import_that_uses_workers(files, tmp_path, monkeypatch):
    assert not parallel.start_server([tmp_path / "not-there"])  # the import itself will say so
    assert not parallel.start_server(files)  # under POOL_MIN_BYTES: analysed in the importing process
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    assert not parallel.start_server(files, jobs=1)
    assert parallel.start_server([files[0].parent])  # a folder: its transcripts
    here = list(parallel.read_and_analyse(files, jobs=1))
    there = list(parallel.read_and_analyse(files, jobs=2))  # the server started above serves it
    assert [(d.text, d.sentences, d.lemmas) for d in there] == [(d.text, d.sentences, d.lemmas) for d in here]


def test_a_consumer_that_stops_while_the_workers_start_stops_them(files):
    analysed = parallel.read_and_analyse(files, jobs=2, min_bytes=0)
    first = next(analysed)
    assert first.source_name == files[0].name and first.sentences
    analysed.close()  # returns once the pool is shut down: no worker left behind
    import multiprocessing

    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_reading_ahead_is_bounded_by_characters(files, monkeypatch):
    """While the first document is analysed, no more than READ_AHEAD_CHARS are read ahead (beyond
    the window of documents in flight)."""
    monkeypatch.setattr(parallel, "READ_AHEAD_CHARS", 1)
    monkeypatch.setattr(parallel, "IN_FLIGHT_PER_JOB", 1)
    read = []
    real = parallel._read_file
    monkeypatch.setattr(parallel, "_read_file", lambda path, *task: read.append(path) or real(path, *task))
    analysed = parallel.read_and_analyse(files, jobs=2, min_bytes=0)
    next(analysed)
    assert len(read) == 2  # the window of two (unbounded, it reads all six while the workers start)
    analysed.close()
