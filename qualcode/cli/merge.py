"""`qualcode merge`: a co-author's project into this one (the rules: docs/merge.md).

On a conflict or a file that is not sound the error stays one line on stderr; what it sums up
(each conflict, each problem) goes to stdout, one per line (with --json, as JSON)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import QualcodeError
from .output import emit_json


def cmd_merge(args, project) -> None:
    choose = None
    prefer = args.prefer
    if prefer == "ask":
        if not _on_a_terminal():
            raise QualcodeError("--prefer ask asks on a terminal: use --prefer mine or --prefer theirs here",
                                "merge")
        choose, prefer = _ask, None
    try:
        report = project.team.merge(Path(args.other), actor=args.coder, prefer=prefer, choose=choose,
                                    dry_run=args.dry_run)
    except QualcodeError as exc:
        if exc.details:
            if args.json:
                emit_json({"error": str(exc), "details": exc.details})
            else:
                print("\n".join(exc.details))
        raise
    if args.json:
        emit_json(report.to_json())
    else:
        print("\n".join(report.lines()))


def _on_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask(conflict) -> str:
    """One question per conflict; an answer is m or t (or the words)."""
    while True:
        answer = input(f"{conflict.subject}: {conflict.field}\n  [m] here:  {conflict.mine}\n"
                       f"  [t] there: {conflict.theirs}\nkeep which? [m/t] ").strip().lower()
        if answer in ("m", "mine", "t", "theirs"):
            return "mine" if answer.startswith("m") else "theirs"
