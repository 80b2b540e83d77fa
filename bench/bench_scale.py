"""Scale (issue 12): a 1,000-transcript project against a 7-transcript one of the same kind.

Generates, deterministically, transcripts of about 20,000 characters each (half Swedish, half
Chinese, focus groups with a moderator), sentences recombined from corpora/ with words drawn
from the Swedish lemma table and jieba's dictionary; imports them through the real import path
into a big project and (the first seven) into a small one; loads codebooks/balint.yaml; writes
about 500 segments per transcript by three coders through the store (sentences, runs of
sentences, turns, and free character spans; the coders mostly agree). The projects are cached
under bench/.cache/ (rebuilt when the generator or the schema changes): building the big one
takes minutes.

Then it times each operation of the issue's table on both projects (or against its baseline)
and prints a Markdown table with the ratios:

- TUI start to first paint of a transcript, and applying a code with a key: a child process
  runs the app headless (Pilot) and reports both, and its peak RSS (VmHWM);
- `docs`, `segments --doc`, `text`: the `qualcode` command as a subprocess (what a user waits
  for, start-up included), median of --repeat runs;
- `export themes` (.docx) against a bare SQL read of every segment row;
- `agreement` of the three coders against `krippendorff.alpha` alone on the same units;
- import of --import-docs transcripts (`qualcode import DIR` as a subprocess, all cores)
  against spaCy alone over the same text in one process, both from a cold start (a fresh
  process loading its pipelines), and against spaCy alone with its pipelines already loaded.

    python bench/bench_scale.py                    # everything, 1,000 transcripts (cached)
    python bench/bench_scale.py --docs 100         # a quick run
    python bench/bench_scale.py --only tui,cli     # some rows: tui cli export agreement import
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_corpus import CHARS, CODERS, SMALL_DOCS, projects, transcripts, undo_project  # noqa: E402

ROWS = ("tui", "cli", "export", "agreement", "undo", "import")


# --- measuring -------------------------------------------------------------------------------

def median_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def qualcode_command() -> list[str]:
    script = Path(sys.executable).with_name("qualcode")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from qualcode.cli import main; main()"]


def run_quietly(argv: list[str]) -> None:
    env = {**os.environ, "QUALCODE_CODER": CODERS[0]}
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)


def tui_child(project: str, coder: str, presses: int) -> None:
    """Runs in a child process: first paint, `presses` codings by key, peak RSS, as JSON."""
    from qualcode.tui.app import make_app
    from qualcode.tui.widgets.transcript import TranscriptView

    async def run() -> dict:
        started = time.perf_counter()
        app = make_app(Path(project), coder=coder)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            view = app.query_one(TranscriptView)
            assert view.text, "no transcript shown"
            view._render_line(0)  # the first line of the transcript is on screen
            first_paint = time.perf_counter() - started
            applies = []
            for _ in range(presses):
                await pilot.press("right_square_bracket")  # the next sentence
                before = len(app.segments)
                started = time.perf_counter()
                await pilot.press("1")
                applies.append(time.perf_counter() - started)
                assert len(app.segments) == before + 1, "the code was not applied"
            for _ in range(presses):  # leave the cached project as it was (but for the events)
                await pilot.press("ctrl+z")
            assert len(app.segments) == before + 1 - presses
        return {"first_paint": first_paint, "apply": applies}

    result = asyncio.run(run())
    status = Path("/proc/self/status").read_text()
    result["rss_kib"] = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
    print(json.dumps(result))


def tui_runs(path: Path, repeat: int, presses: int) -> list[dict]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--tui-child", str(path), "--presses", str(presses)],
                             check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return runs


def measure_tui(small: Path, big: Path, repeat: int, say) -> list[tuple]:
    say("TUI: first paint, coding by key, peak RSS (child processes)")
    runs = {small: [], big: []}
    tui_runs(small, 1, 1), tui_runs(big, 1, 1)  # warm the page cache for both
    for _ in range(repeat):  # interleaved
        for path in (small, big):
            runs[path] += tui_runs(path, 1, 5)
    paint = {p: statistics.median(r["first_paint"] for r in runs[p]) for p in runs}
    apply = {p: statistics.median(a for r in runs[p] for a in r["apply"]) for p in runs}
    rss = {p: statistics.median(r["rss_kib"] for r in runs[p]) / 1024 for p in runs}
    return [
        ("TUI start to first paint of a transcript", paint[big], paint[small], "s", 1.5),
        ("apply a code with a key (TUI, Pilot)", apply[big], apply[small], "s", 1.2),
        ("TUI peak memory (RSS)", rss[big], rss[small], "MiB", 1.5),
    ]


def measure_cli(small: Path, big: Path, repeat: int, say) -> list[tuple]:
    say("CLI: docs, segments --doc, text (subprocesses)")
    qualcode = qualcode_command()
    doc = "t0003_zh"  # in both projects, with the same text and coding
    commands = [("`docs`", ["docs"]), ("`segments --doc`", ["segments", "--doc", doc]), ("`text`", ["text", doc])]
    rows = []
    for label, argv in commands:
        times = {}
        for path in (small, big):
            run_quietly([*qualcode, "-p", str(path), *argv])  # warm
        for path in (small, big):
            times[path] = median_time(lambda path=path, argv=argv: run_quietly([*qualcode, "-p", str(path), *argv]),
                                      repeat)
        rows.append((label, times[big], times[small], "s", 1.5))
    return rows


def bare_segment_read(path: Path) -> int:
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT g.id, g.uid, g.doc_id, g.code_id, g.coder_id, g.start, g.end, g.memo, g.exemplar,"
        " g.translation, c.name, k.name FROM segments g JOIN codes c ON c.id = g.code_id"
        " JOIN coders k ON k.id = g.coder_id").fetchall()
    db.close()
    return len(rows)


def best_interleaved(functions: dict, repeat: int) -> dict[str, float]:
    """Each function's best time of `repeat` runs, the functions taking turns (a busy machine
    slows them alike; the best run is the one least disturbed)."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    return {name: min(t) for name, t in times.items()}


def measure_export(small: Path, big: Path, repeat: int, say) -> list[tuple]:
    from qualcode.project import Project

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in (big, small):
            say(f"export themes (.docx) of {path.name} against a bare SQL read of its segments")

            def export(path=path):
                with Project(path) as project:
                    project.reports.export_themes(Path(tmp) / "themes.docx")

            count = bare_segment_read(path)
            best = best_interleaved({"sql": lambda path=path: bare_segment_read(path), "export": export},
                                    max(repeat, 3))
            # the target is for the large project; a small one's export is python-docx's fixed cost
            rows.append((f"`export themes` (.docx) of {count:,} segments", best["export"], best["sql"], "s",
                         3.0 if path == big else None, "bare SQL read of the rows"))
    return rows


def presence_matrix(path: Path):
    """present[coder, code, sentence] exactly as the agreement compares them (the documents all
    three coded, the presence rule of docs/methods.md A2), as the reliability data the
    `krippendorff` package takes: the same data for both sides of the ratio."""
    import numpy as np

    from qualcode.analysis.agreement import _prepare, _presence
    from qualcode.project import Project

    with Project(path) as project:
        columns = project.team._coding_columns(CODERS, "sentence")
    return _presence(_prepare(columns, CODERS, "sentence", None)).astype(np.uint8)


def measure_agreement(small: Path, big: Path, repeat: int, say) -> list[tuple]:
    import krippendorff

    from qualcode.project import Project

    rows = []
    for path in (big, small):
        say(f"agreement of {', '.join(CODERS)} in {path.name} against krippendorff.alpha alone")
        data = presence_matrix(path)
        U = data.shape[2]

        def alpha_alone(data=data):
            C, K, U = data.shape
            for k in range(K):
                krippendorff.alpha(reliability_data=data[:, k, :], level_of_measurement="nominal")
            krippendorff.alpha(reliability_data=data.reshape(C, K * U), level_of_measurement="nominal")

        def agreement(path=path):
            with Project(path) as project:
                project.team.agreement(CODERS)

        best = best_interleaved({"alpha": alpha_alone, "agreement": agreement}, max(repeat, 3))
        rows.append((f"`agreement` of 3 coders, {U:,} sentences", best["agreement"], best["alpha"], "s", 2.0,
                     "`krippendorff.alpha` alone"))
    return rows


def measure_undo(repeat: int, say) -> list[tuple]:
    """ctrl+z's work (the coder's last coding undone, then redone to leave the project as it
    was) with a long history against a short one: best of many presses, interleaved."""
    from qualcode.project import Project

    long, short = undo_project(100_000, say), undo_project(10, say)
    say("undo with a history of 100,000 codings against one of 10")
    with Project(long) as many, Project(short) as few:
        def press(project):
            assert project.coding.undo(CODERS[0]), "nothing to undo"
            assert project.coding.redo(CODERS[0]), "nothing to redo"

        best = best_interleaved({"many": lambda: press(many), "few": lambda: press(few)}, max(repeat, 3) * 10)
    return [("undo (and redo) with 100,000 events in history", best["many"], best["few"], "s", 1.5,
             "the same with 10")]


def spacy_child(pieces_file: str) -> None:
    """Runs in a child process: load the pipelines and run them over the pieces, nothing else."""
    import pickle

    with open(pieces_file, "rb") as f:
        batches = pickle.load(f)
    from qualcode.text import nlp

    for lang, texts in batches:
        for _ in nlp.pipeline(lang).pipe(texts, batch_size=256):
            pass


def measure_import(count: int, repeat: int, say) -> list[tuple]:
    import pickle

    from qualcode.text import nlp
    from qualcode.text.prepare import _piece_language, read_document, regions

    files = transcripts(count, say)
    say(f"import of {count} transcripts against spaCy alone over the same text")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "transcripts"
        folder.mkdir()
        for f in files:
            os.link(f, folder / f.name)
        # the pieces the import gives spaCy, by language, in the import's order
        batches = []
        for f in files:
            doc = read_document(f)
            texts = [doc.text[s:e] for s, e, _ in regions(doc.text, doc.turns)]
            langs = [_piece_language(doc.lang, t) for t in texts]
            for lang in sorted(set(langs)):
                batches.append((lang, [t for t, of in zip(texts, langs, strict=True) if of == lang]))
        chars = sum(len(t) for _, texts in batches for t in texts)
        pieces = tmp / "pieces.pickle"
        pieces.write_bytes(pickle.dumps(batches))

        def import_with(jobs: int | None) -> None:
            target = tmp / "import.qualcode"
            for leftover in tmp.glob("import.qualcode*"):
                leftover.unlink()
            run_quietly([*qualcode_command(), "-p", str(target), "import", str(folder),
                         *(["--jobs", str(jobs)] if jobs else [])])

        def spacy_cold() -> None:
            subprocess.run([sys.executable, __file__, "--spacy-child", str(pieces)], check=True)

        for lang in ("sv", "zh"):
            nlp.pipeline(lang)

        def spacy_warm() -> None:
            spacy_child(str(pieces))  # the pipelines of this process are loaded already

        times: dict[str, list[float]] = {}
        for _ in range(repeat):  # interleaved: a busy machine slows them alike
            for name, function in (("cold", spacy_cold), ("warm", spacy_warm), ("full", lambda: import_with(None)),
                                   ("one", lambda: import_with(1))):
                times.setdefault(name, []).append(median_time(function, 1))
        cold, warm, full, one = (statistics.median(times[k]) for k in ("cold", "warm", "full", "one"))
    what = f"import of {count} × {CHARS:,} characters ({chars / 1e6:.1f} M), {jobs_here()} cores"
    return [
        (what, full, cold, "s", 0.75, "one-process spaCy, from a fresh process"),
        (what, full, warm, "s", None, "one-process spaCy, pipelines already loaded"),
        (f"import of {count} transcripts with --jobs 1", one, full, "s", None, "the same with all cores"),
    ]


def default_jobs_text() -> str:
    return f"{os.cpu_count()} cores, import with {jobs_here()} worker processes"


def jobs_here() -> int:
    from qualcode.text.parallel import default_jobs

    return default_jobs()


# --- the table -------------------------------------------------------------------------------

def table(rows: list[tuple], docs: int, per_doc: int) -> str:
    lines = ["| operation | measured | against | ratio | target |", "|---|---|---|---|---|"]
    for row in rows:
        label, value, base, unit, target = row[:5]
        against = row[5] if len(row) > 5 else None
        def fmt(v: float, unit: str = unit) -> str:
            return f"{v:,.0f} {unit}" if unit == "MiB" else f"{v:.3f} {unit}"

        if against is None:  # big against small
            measured, base_text = f"{fmt(value)} ({docs:,} docs)", f"{fmt(base)} ({SMALL_DOCS} docs)"
        else:
            measured, base_text = fmt(value), f"{fmt(base)} ({against})"
        ratio = value / base
        verdict = "" if target is None else (" ✓" if ratio <= target else " ✗")
        target_text = "–" if target is None else f"≤ {target:g}{verdict}"
        lines.append(f"| {label} | {measured} | {base_text} | {ratio:.2f} | {target_text} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="transcripts in the big project")
    parser.add_argument("--segments-per-doc", type=int, default=500)
    parser.add_argument("--import-docs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the median counts)")
    parser.add_argument("--only", default=",".join(ROWS), help=f"comma-separated: {', '.join(ROWS)}")
    parser.add_argument("--tui-child", help=argparse.SUPPRESS)
    parser.add_argument("--presses", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--spacy-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tui_child:
        return tui_child(args.tui_child, CODERS[0], args.presses)
    if args.spacy_child:
        return spacy_child(args.spacy_child)
    only = [r.strip() for r in args.only.split(",") if r.strip()]
    unknown = set(only) - set(ROWS)
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))}")

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rows = []
    load_before = os.getloadavg()[0]
    if set(only) & {"tui", "cli", "export", "agreement"}:
        small, big = projects(args.docs, args.segments_per_doc, say)
        for name, measure in (("tui", measure_tui), ("cli", measure_cli), ("export", measure_export),
                              ("agreement", measure_agreement)):
            if name in only:
                rows += measure(small, big, args.repeat, say)
    if "undo" in only:
        rows += measure_undo(args.repeat, say)
    if "import" in only:
        rows += measure_import(args.import_docs, args.repeat, say)
    print(table(rows, args.docs, args.segments_per_doc))
    print(f"\n{default_jobs_text()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          "(other work on the machine slows every row; ratios are taken within one run)")


if __name__ == "__main__":
    main()
