"""The workbench's long jobs, each in a thread worker with a project connection of its own:
importing transcripts or a REFI-QDA project, and exporting the theme summary."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.widgets import ProgressBar

from ..errors import QualcodeError
from ..project import Project
from .screens import ExportChoice, ExportDialog, TextPrompt


class WorkerActions:
    # --- export in a worker ---------------------------------------------------------------------

    def action_export(self) -> None:
        themes = [(t.label(self.lang), t.name) for t in self.project.themes()]
        if not themes:
            self.notify("The codebook has no themes to summarise yet.", severity="warning")
            return

        def go(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.export_themes(choice)

        self.push_screen(ExportDialog(themes, self.lang), go)

    @work(thread=True, exclusive=True, group="export")
    def export_themes(self, choice: ExportChoice) -> None:
        bar = self.query_one("#progress", ProgressBar)
        self.call_from_thread(setattr, bar, "display", True)
        self.call_from_thread(bar.update, total=None)  # indeterminate: one step, of unknown length
        try:
            path = Path(choice.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            with Project(self.project_path) as project:
                project.export_themes(path, choice.lang, quotes=choice.quotes, themes=choice.themes,
                                      translation=choice.translation)
            self.call_from_thread(self.notify, f"wrote {path}")
        except Exception as exc:  # QualcodeError, a full disk…: said, never a traceback
            self.call_from_thread(self.notify, str(exc), severity="error")
        finally:
            self.call_from_thread(setattr, bar, "display", False)

    # --- import in a worker ---------------------------------------------------------------------

    def ask_import(self) -> None:
        def go(value: str | None) -> None:
            if value:
                self.import_files([Path(p).expanduser() for p in value.split()])

        self.push_screen(TextPrompt("Import transcripts, folders of them, or a REFI-QDA project "
                                    "(paths separated by spaces)",
                                    placeholder="~/data/  or  ~/data/*.txt  or  ~/nvivo/export.qdpx"), go)

    @work(thread=True, exclusive=True)
    def import_files(self, paths: list[Path]) -> None:
        import glob

        files = [Path(f) for p in paths for f in (sorted(glob.glob(str(p))) or [str(p)])]
        bar = self.query_one("#progress", ProgressBar)
        self.call_from_thread(setattr, bar, "display", True)

        def progress(what: str, done: int, total: int) -> None:
            self.call_from_thread(bar.update, total=max(total, 1), progress=done)

        try:
            with Project(self.project_path) as project:  # a connection of the worker's own
                projects = [f for f in files if f.suffix.lower() == ".qdpx"]
                if projects:
                    from ..exchange.qdpx import import_qdpx

                    for path in projects:
                        lines = import_qdpx(project, path, actor=self.coder, progress=progress).lines()
                        self.call_from_thread(self.notify, "\n".join(lines[:4]))
                files = [f for f in files if f.suffix.lower() != ".qdpx"]
                if files:
                    report = project.import_files(files, actor=self.coder, progress=progress)
                    message = f"imported {len(report.imported)} document(s)"
                    if report.skipped:  # scale (issue 12): a folder's other files are skipped too
                        message += f", skipped {len(report.skipped)}: " + "; ".join(
                            f"{Path(name).name} ({reason})" for name, reason in report.skipped[:3])
                    self.call_from_thread(self.notify, message)
        except QualcodeError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error")
        except Exception as exc:  # a fault must not end the app: the project is unchanged (one transaction)
            self.call_from_thread(self.notify, f"import failed: {type(exc).__name__}: {exc}", severity="error")
        finally:
            self.call_from_thread(setattr, bar, "display", False)
            self.call_from_thread(self.refresh_documents)
            self.call_from_thread(self.refresh_codebook)
