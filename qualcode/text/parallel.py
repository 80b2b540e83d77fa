"""Transcripts read and analysed (spaCy) in worker processes, handed back in input order.

The caller stays the one writer: it receives each document, complete, in the order of the
paths, and stores it in its own transaction. Files are read here; workers only analyse. The
workers are forked from a forkserver (the TUI runs imports in a thread, and a plain fork would
copy other threads' locks) that has loaded the spaCy pipelines once (text/warm.py), so a
worker starts at once; the server stays for the next import of this process. At most a few
documents per worker are in flight, so memory stays flat however many files there are.

Starting the server and loading spaCy in it costs about 1.5 s, so small imports (under
POOL_MIN_BYTES of files) are analysed in this process instead. A face that knows an import is
coming calls `start_server` first (the command line does, before it opens the project): the
loading then overlaps opening the project and reading the files, on the other core.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import QualcodeError
from .files import collect_sources

if TYPE_CHECKING:  # reading and analysing are imported when used: `start_server` comes first
    from .prepare import PreparedDocument

Progress = Callable[[str, int, int], None]  # (what, done, total)

POOL_MIN_BYTES = 1_000_000  # about 1 s of spaCy on one core: below it, workers cost more than they save
IN_FLIGHT_PER_JOB = 4
# Characters read ahead while the workers are still starting (or busy): the server's 1.5 s of
# loading is time to read about ten million characters, and memory stays bounded (4 bytes a
# character at worst) however many files there are.
READ_AHEAD_CHARS = 16_000_000


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def read_and_analyse(paths: Sequence[Path], lang: str = "auto", speakers: str = "auto", *,
                     jobs: int | None = None, progress: Progress | None = None,
                     min_bytes: int | None = None) -> Iterator[PreparedDocument]:
    """Each file read, normalised, its turns found and analysed (sentences, word index), in the
    order of `paths`. A file that cannot be read raises QualcodeError naming it, when its turn
    comes; the caller's transaction then stores nothing.

    `jobs`: at most this many worker processes (default: all cores); 1 analyses here, and so
    does a batch under `min_bytes` (default POOL_MIN_BYTES)."""
    paths = [Path(p) for p in paths]
    jobs = _jobs_for(paths, jobs, min_bytes)
    task = (lang, speakers)
    if jobs > 1:
        results = _in_workers(paths, task, jobs)
    else:
        results = (_analyse_file(path, *task) for path in paths)
    try:
        for done, (path, outcome) in enumerate(zip(paths, results, strict=True), start=1):
            if isinstance(outcome, QualcodeError):
                raise outcome
            if progress:
                progress(f"analysed {path.name}", done, len(paths))
            yield outcome
    finally:
        results.close()  # stops the workers at once when the caller gives up or a file fails


def start_server(named: Sequence[Path | str], jobs: int | None = None) -> bool:
    """Start the analysis server (and its loading of spaCy) now, if an import of `named` (files
    and folders, as typed) will use worker processes. Returns whether it started; a path that
    is not there starts nothing (the import itself says what is wrong)."""
    try:
        paths, _ = collect_sources(named)
    except QualcodeError:
        return False
    if _jobs_for(paths, jobs, None) <= 1:
        return False
    from multiprocessing import forkserver

    _forkserver()  # the preload is set before the server starts
    try:
        forkserver.ensure_running()
    except OSError:  # no server here: the import starts its workers itself, or says why it cannot
        return False
    return True


def _jobs_for(paths: list[Path], jobs: int | None, min_bytes: int | None) -> int:
    """How many worker processes an import of `paths` uses (1: none, analysed in this process)."""
    jobs = min(jobs or default_jobs(), len(paths))
    if jobs > 1 and _total_bytes(paths) < (POOL_MIN_BYTES if min_bytes is None else min_bytes):
        return 1
    return jobs


def _analyse_file(path: Path, lang: str, speakers: str) -> PreparedDocument | QualcodeError:
    """One file read and analysed here; errors come back as values naming the file."""
    from .prepare import analyze_document

    doc = _read_file(path, lang, speakers)
    if isinstance(doc, QualcodeError):
        return doc
    try:
        analyze_document(doc)
    except Exception as exc:
        return QualcodeError(_failure(exc), path)
    return doc


def _read_file(path: Path, lang: str, speakers: str) -> PreparedDocument | QualcodeError:
    from .prepare import read_document

    try:
        return read_document(path, lang, speakers)
    except QualcodeError as exc:
        return QualcodeError(exc.message, exc.item or path)
    except Exception as exc:  # a fault in a library on this file: said with the file's name
        return QualcodeError(f"cannot read the file: {type(exc).__name__}: {exc}", path)


def _analyse(doc: PreparedDocument) -> tuple[list[tuple], str] | str:
    """spaCy's part (in a worker): the sentences and the word index; or what went wrong."""
    from .prepare import analyze_document

    try:
        analyze_document(doc)
    except Exception as exc:
        return _failure(exc)
    return doc.sentences, doc.lemmas


def _failure(exc: Exception) -> str:
    return f"cannot analyse the file: {type(exc).__name__}: {exc}"


def _received(doc: PreparedDocument, outcome: tuple[list[tuple], str]) -> PreparedDocument:
    doc.sentences, doc.lemmas = outcome
    return doc


def _in_workers(paths: list[Path], task: tuple[str, str], jobs: int) -> Iterator[PreparedDocument | QualcodeError]:
    """Results of `_analyse_file` in input order: files are read here and analysed by `jobs`
    worker processes. While the workers start (or are busy), this process reads ahead, up to
    READ_AHEAD_CHARS of text.

    Starting a worker waits for the server to finish loading spaCy, so a thread starts them
    while this one reads: documents are handed to the pool once it has its workers."""
    import threading
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(jobs, mp_context=_forkserver(), initializer=_ignore_interrupts)
    starting = threading.Thread(target=_start_workers, args=(pool, jobs), name="qualcode-workers", daemon=True)
    starting.start()
    pending: deque[_Pending] = deque()  # in input order
    unsent: deque[_Pending] = deque()  # read, not yet handed to the pool (it is starting)
    queue = iter(paths)
    window = jobs * IN_FLIGHT_PER_JOB
    chars = 0  # of the documents in `pending`
    try:
        while True:
            while len(pending) < window or (chars < READ_AHEAD_CHARS and not pending[0].ready()):
                path = next(queue, None)
                if path is None:
                    break
                entry = _Pending(path, _read_file(path, *task))
                pending.append(entry)
                chars += entry.size
                if entry.readable:
                    unsent.append(entry)
                if not starting.is_alive():
                    _send(pool, unsent)
            if not pending:
                return
            starting.join()  # nothing more to read for now: the workers are needed
            _send(pool, unsent)
            entry = pending.popleft()
            chars -= entry.size
            if not entry.readable:  # the error
                yield entry.doc
                continue
            try:
                outcome = entry.future.result()
            except BrokenProcessPool:
                raise QualcodeError("a worker process died while analysing the file (out of memory?)",
                                    entry.path) from None
            if isinstance(outcome, str):
                yield QualcodeError(outcome, entry.path)
                continue
            yield _received(entry.doc, outcome)
    finally:
        # an error, Ctrl-C or a consumer that stopped early: drop what is queued, wait for the rest
        starting.join()
        pool.shutdown(wait=True, cancel_futures=True)


class _Pending:
    """A file read (or the error reading it) and, once sent, the worker's future."""

    __slots__ = ("path", "doc", "future")

    def __init__(self, path: Path, doc: PreparedDocument | QualcodeError) -> None:
        self.path, self.doc, self.future = path, doc, None

    @property
    def readable(self) -> bool:
        return not isinstance(self.doc, QualcodeError)

    @property
    def size(self) -> int:
        return len(self.doc.text) if self.readable else 0

    def ready(self) -> bool:
        """Its outcome can be had without waiting (an unreadable file's error can)."""
        return not self.readable or (self.future is not None and self.future.done())


def _send(pool, unsent: deque[_Pending]) -> None:
    while unsent:
        entry = unsent.popleft()
        entry.future = pool.submit(_analyse, entry.doc)


def _start_workers(pool, jobs: int) -> None:
    """Start the pool's processes (each waits for the server to have loaded spaCy)."""
    from contextlib import suppress

    # a pool that cannot start says so to the documents sent to it, naming the file
    with suppress(Exception):
        for future in [pool.submit(os.getpid) for _ in range(jobs)]:
            future.result()


def _forkserver():
    """The forkserver context, its server loading spaCy when it starts (once per process)."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["qualcode.text.warm"])
    return context


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the parent alone handles it (and stops the workers)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _total_bytes(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # reading it will say what is wrong, naming the file
    return total
