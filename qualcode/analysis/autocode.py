"""Autocoding, planned (docs/methods.md Q7): the spans that coding every hit (or every turn of a
speaker) would add.

A hit is coded as itself, as every sentence it touches, or as the turn it is in (its speech,
not the label). Spans are made distinct (two hits in one sentence make one span); a span the
coder already has with the code — one of their segments of that code covers it whole — is
skipped; a hit in no unit of the kind (a heading has no turn) is counted as outside. The plan
is pure data for a preview; applying it is one transaction and one undo step
(`project.coding.apply_autocode`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import QualcodeError

AUTOCODE_UNITS = ("hit", "sentence", "turn")


@dataclass
class AutocodePlan:
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (document id, start, end) to code
    hits: int = 0  # hits (or turns) the plan was made from
    units: int = 0  # distinct spans they give, before skipping those already coded
    already_coded: int = 0  # spans skipped: the coder has the code there already
    outside: int = 0  # hits in no unit of the kind asked for
    code_id: int | None = None  # the code and coder it was made for (what "already coded" means)
    coder: str | None = None
    about: dict = field(default_factory=dict)  # what was asked: query or speaker, unit

    def as_json(self) -> dict:
        return {"hits": self.hits, "units": self.units, "already_coded": self.already_coded,
                "outside": self.outside, "spans": [list(s) for s in self.spans]}


def plan_autocode(hits: Iterable[tuple[int, int, int]], unit: str = "hit",
                  units: Mapping[int, Sequence[tuple[int, int]]] | None = None,
                  existing: Iterable[tuple[int, int, int]] = ()) -> AutocodePlan:
    """`hits`: (document id, start, end); `units`: for 'sentence' or 'turn', each document's
    units as sorted, disjoint (start, end); `existing`: (document id, start, end) of the coder's
    segments with the code."""
    if unit not in AUTOCODE_UNITS:
        raise QualcodeError(f"unknown unit '{unit}' (use {', '.join(AUTOCODE_UNITS)})", unit)
    plan = AutocodePlan()
    wanted: set[tuple[int, int, int]] = set()
    ends: dict[int, list[int]] = {}
    for doc, start, end in hits:
        plan.hits += 1
        if unit == "hit":
            wanted.add((doc, start, end))
            continue
        mine = (units or {}).get(doc, ())
        if doc not in ends:
            ends[doc] = [e for _, e in mine]
        i = bisect_right(ends[doc], start)  # the first unit ending after the hit starts
        found = False
        while i < len(mine) and mine[i][0] < end:
            wanted.add((doc, *mine[i]))
            found = True
            i += 1
        plan.outside += not found
    plan.units = len(wanted)
    coded: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for doc, start, end in existing:
        coded[doc].append((start, end))
    for doc, start, end in sorted(wanted):
        if any(s <= start and end <= e for s, e in coded.get(doc, ())):
            plan.already_coded += 1
        else:
            plan.spans.append((doc, start, end))
    return plan
