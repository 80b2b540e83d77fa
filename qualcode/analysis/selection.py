"""Whose coding a count reads."""

from __future__ import annotations

import numpy as np


def choose_coding(spans: np.ndarray, consensus_id: int | None) -> np.ndarray:
    """Segments (rows id, doc_id, code_id, coder_id, start, end) a count reads by default: the
    consensus where the co-authors made one (per document) and everyone's coding elsewhere, as
    the theme summary does. (To read given coders, select their segments instead: they are pooled.)"""
    if consensus_id is None:
        return spans
    consensus = spans[:, 3] == consensus_id
    reconciled = np.isin(spans[:, 1], np.unique(spans[consensus, 1]))
    return spans[consensus == reconciled]
