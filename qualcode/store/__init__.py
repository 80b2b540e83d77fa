"""SQLite lives here and nowhere else."""

from .store import Store

__all__ = ["Store"]
