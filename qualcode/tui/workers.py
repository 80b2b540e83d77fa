"""The workbench's long jobs, each in a thread worker with a project connection of its own:
importing transcripts or a REFI-QDA project, and exporting the theme summary.

A job only does its work; `on_worker_state_changed` is the one place a job ends — its progress
bar goes, what it changed is shown again, and a failure is said as a notification (the
project is unchanged: every job is one transaction).
"""

from __future__ import annotations

import glob
from pathlib import Path

from textual import work
from textual.widgets import ProgressBar
from textual.worker import Worker, WorkerState

from ..errors import QualcodeError
from ..model import plural
from ..project import Project
from .screens import ExportChoice, ExportDialog, TextPrompt

IMPORT, EXPORT = "import", "export"


class WorkerActions:
    # --- export in a worker ---------------------------------------------------------------------

    def action_export(self) -> None:
        themes = [(t.label(self.lang), t.name) for t in self.project.codebook.themes()]
        if not themes:
            self.notify("The codebook has no themes to summarise yet.", severity="warning")
            return

        def go(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.export_themes(choice)

        self.push_screen(ExportDialog(themes, self.lang), go)

    @work(thread=True, exclusive=True, group=EXPORT, description=EXPORT, exit_on_error=False)
    def export_themes(self, choice: ExportChoice) -> None:
        bar = self.query_one("#progress", ProgressBar)
        self.call_from_thread(setattr, bar, "display", True)
        self.call_from_thread(bar.update, total=None)  # indeterminate: one step, of unknown length
        path = Path(choice.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with Project(self.project_path, on_wait=self.on_lock_wait) as project:
            project.reports.export_themes(path, choice.lang, quotes=choice.quotes, themes=choice.themes,
                                          translation=choice.translation)
        self.call_from_thread(self.notify, f"wrote {path}")

    # --- import in a worker ---------------------------------------------------------------------

    def ask_import(self) -> None:
        def go(value: str | None) -> None:
            if value:
                self.import_files([Path(p).expanduser() for p in value.split()])

        self.push_screen(TextPrompt("Import transcripts, folders of them, or a REFI-QDA project "
                                    "(paths separated by spaces)",
                                    placeholder="~/data/  or  ~/data/*.txt  or  ~/nvivo/export.qdpx"), go)

    @work(thread=True, exclusive=True, group=IMPORT, description=IMPORT, exit_on_error=False)
    def import_files(self, paths: list[Path]) -> None:
        files = [Path(f) for p in paths for f in (sorted(glob.glob(str(p))) or [str(p)])]
        bar = self.query_one("#progress", ProgressBar)
        self.call_from_thread(setattr, bar, "display", True)

        def progress(what: str, done: int, total: int) -> None:
            self.call_from_thread(bar.update, total=max(total, 1), progress=done)

        with Project(self.project_path, on_wait=self.on_lock_wait) as project:  # a connection of the worker's own
            for path in [f for f in files if f.suffix.lower() == ".qdpx"]:
                lines = project.exchange.import_qdpx(path, actor=self.coder, progress=progress).lines()
                self.call_from_thread(self.notify, "\n".join(lines[:4]))
            files = [f for f in files if f.suffix.lower() != ".qdpx"]
            if files:
                report = project.documents.import_files(files, actor=self.coder, progress=progress)
                message = f"imported {plural(len(report.imported), 'document')}"
                if report.skipped:  # a folder's other files are skipped too, and texts already in the project
                    message += f", skipped {len(report.skipped)}: " + "; ".join(
                        f"{Path(name).name} ({reason})" for name, reason in report.skipped[:3])
                self.call_from_thread(self.notify, message)

    # --- the one way a job ends -----------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self.query_one("#progress", ProgressBar).display = False
        if worker.group == IMPORT:
            self.refresh_documents()
            self.refresh_codebook()
        if event.state is WorkerState.ERROR:
            error = worker.error
            # a user's mistake is said as it is; anything else (a full disk, a fault of ours) by its type
            message = str(error) if isinstance(error, QualcodeError) else (
                f"{worker.description} failed: {type(error).__name__}: {error}")
            self.notify(message, severity="error", timeout=10)
