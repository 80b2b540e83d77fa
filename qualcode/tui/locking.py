"""Another qualcode process holds the project's write lock; or the project is read-only.

The store waits for a lock (up to a minute) and tells `Project(on_wait=…)` once it starts
waiting. A worker thread (import, export) may wait: the hook shows a notification and the
store goes on. The screen's own thread must not (the workbench would freeze for a minute):
there the hook gives the write up at once (`StillLocked`), `guard` says so and tries the same
action again every second, until it goes through (the workbench then shows it) or the wait a
command would have made is over — said in one line that never calls itself internal.
"""

from __future__ import annotations

import threading
import time

from ..errors import QualcodeError

RETRY_EVERY = 1.0  # seconds between tries of a write the lock held back


class StillLocked(QualcodeError):
    """A write on the screen's thread found the project locked by another process."""


class LockWaiting:
    """For the App: `on_lock_wait` is the Project's hook; `retry_when_free` takes a write
    `guard` caught as `StillLocked` and tries it again."""

    def on_lock_wait(self, message: str) -> None:
        if not self.is_running:  # opening, before the screen shows: wait as the command line does
            return
        if self._thread_id == threading.get_ident():
            raise StillLocked(message)
        self.call_from_thread(self.notify, message, timeout=10)

    def retry_when_free(self, message: str, function, args: tuple, kwargs: dict,
                        started: float | None = None) -> None:
        if started is None:
            started = time.monotonic()
            self.notify(f"{message} (trying again until it is free)", severity="warning", timeout=10)
        if time.monotonic() - started > self.project.lock_wait():
            self.notify("The project is busy: another qualcode process still holds it. Nothing was changed; "
                        "try again.", severity="error", timeout=15)
            return

        def again() -> None:
            try:
                function(*args, **kwargs)
            except StillLocked as exc:
                self.retry_when_free(str(exc), function, args, kwargs, started)
                return
            except QualcodeError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify("Done: the other process let go of the project.")
            self.show_changes()

        self.set_timer(RETRY_EVERY, again)

    def show_changes(self) -> None:
        """Everything shown again, after a write that went through late."""
        self.refresh_codebook()
        self.refresh_coding()
        self.refresh_documents()

    def notify_read_only(self) -> None:
        """Say once, at the start, that this project can be read here but not changed."""
        reason = self.project.read_only
        if reason:
            self.notify(f"Read-only: {reason}. You can read, search and export; coding is off.",
                        severity="warning", timeout=20)
