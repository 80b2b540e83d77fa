"""The command line: thin commands over `Project`. The contract is ../shared/CLI.md.

Errors are one line on stderr, `qualcode: error: <what> (<file or item>)`, exit code 2 for
user errors and 1 for internal faults; a failed command leaves the project unchanged.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import __version__
from ..errors import QualcodeError
from ..names import escape_controls
from .codebook import (
    cmd_codebook_add,
    cmd_codebook_check,
    cmd_codebook_delete,
    cmd_codebook_edit,
    cmd_codebook_export,
    cmd_codebook_history,
    cmd_codebook_load,
    cmd_codebook_merge,
    cmd_codebook_move,
    cmd_codebook_pin,
    cmd_codebook_retire,
    cmd_codebook_show,
    cmd_theme_add,
    cmd_theme_show,
)
from .commands import (
    SETTINGS,
    cmd_code,
    cmd_demo,
    cmd_docs,
    cmd_export,
    cmd_import,
    cmd_init,
    cmd_participants,
    cmd_redact,
    cmd_segments,
    cmd_settings,
    cmd_text,
    cmd_tui,
    cmd_uncode,
    cmd_units,
    start_analysis,
)
from .merge import cmd_merge
from .output import protect_terminal
from .queries import add_query_commands
from .review import add_review_commands, segments_help
from .team import cmd_agreement, cmd_disagreements, cmd_reconcile

DEFAULT_PROJECT = "project.qualcode"


class Parser(argparse.ArgumentParser):
    """Usage errors as one line, like every other error (`--help` shows the usage)."""

    def error(self, message: str):
        self.exit(2, f"qualcode: error: {message} ({self.prog})\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="qualcode",
        description="Code Swedish and Chinese focus-group transcripts (TUI when run without a command).",
    )
    parser.add_argument("--version", action="version", version=f"qualcode {__version__}")
    parser.add_argument("-p", "--project", help="project file (default: $QUALCODE_PROJECT or ./project.qualcode)")
    parser.add_argument("--coder", dest="coder_before", metavar="CODER",
                        help="who is working, for any command (a command's own --coder wins)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, help: str, handler, *, writes: bool = False, project: bool = True,
                coder: bool = True):
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler, writes=writes, needs_project=project, coder=None)
        if coder:
            p.add_argument("--coder", help="who is working (default: $QUALCODE_CODER or login name)")
        return p

    p = command("tui", "open the coding workbench", cmd_tui, project=False)
    p.add_argument("--doc", help="document to open")
    p.add_argument("--keys", metavar="PRESET", help="a key preset, e.g. 'sv' for a Swedish keyboard "
                                                    "(default: the keymap file's)")
    p.add_argument("--unblind", action="store_true",
                   help="show co-authors' coding of documents you have not marked done (lifts blind coding)")

    p = command("demo", "build the demo project from corpora/ and codebooks/, then open it", cmd_demo,
                project=False)
    p.add_argument("path", nargs="?", help="where to build it (default: ./demo.qualcode)")
    p.add_argument("--no-tui", action="store_true", help="only build the project")

    p = command("init", "create an empty project", cmd_init, project=False)
    p.add_argument("path", nargs="?", help="where (default: -p, $QUALCODE_PROJECT or ./project.qualcode)")

    p = command("import", "import transcripts (txt, md, docx, vtt, srt), or every one under a folder",
                cmd_import, writes=True)
    p.add_argument("files", nargs="+", metavar="FILE|DIR")
    p.add_argument("--lang", default="auto", choices=["auto", "sv", "zh", "en"])
    p.add_argument("--group", help="the focus group these files belong to")
    p.add_argument("--speakers", default="auto", metavar="auto|none|REGEX",
                   help="how to find speaker labels: auto, none, or a regex matched at line starts "
                        "(group 'speaker' or 1 names the speaker)")
    p.add_argument("--jobs", type=_positive, metavar="N",
                   help="analyse in up to N processes (default: all cores; small imports use one)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(before_project=start_analysis)

    p = command("docs", "list documents", cmd_docs)
    p.add_argument("--json", action="store_true")

    p = command("text", "print a document's stored text, or a slice of it", cmd_text)
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--start", type=int)
    p.add_argument("--end", type=int)

    p = command("units", "list a document's coding units", cmd_units)
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--unit", default="sentence", choices=["sentence", "turn"])
    p.add_argument("--json", action="store_true")

    p = command("code", "code a span of a document", cmd_code, writes=True)
    p.add_argument("doc", metavar="DOC")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--span", metavar="S:E")
    p.add_argument("--unit", metavar="sentence:K|turn:K")
    p.add_argument("--memo")
    p.add_argument("--json", action="store_true")

    p = command("uncode", "remove a coded segment", cmd_uncode, writes=True)
    p.add_argument("segment", metavar="SEGMENT_ID")

    p = command("segments", segments_help(), cmd_segments, coder=False)
    p.add_argument("--doc")
    p.add_argument("--code")
    p.add_argument("--coder", dest="coder_filter", help="only this coder's segments")
    p.add_argument("--json", action="store_true")

    p = command("export", "export for manuscripts (themes: .docx .md .csv .xlsx) or other tools (qdpx); "
                          "themes are redacted, a qdpx carries the full text unless --redact", cmd_export)
    p.add_argument("what", choices=["themes", "qdpx"])
    p.add_argument("out", metavar="OUT", help="output file (a bare name goes to exports/)")
    p.add_argument("--lang", help="language of labels: sv, zh or en (default: the project's)")
    p.add_argument("--quotes", type=int, default=3, help="quotes per theme (default 3)")
    p.add_argument("--theme", action="append", metavar="NAME", help="only this theme (repeat)")
    p.add_argument("--group", action="append", metavar="NAME", help="only this group (repeat)")
    p.add_argument("--no-translation", action="store_true", help="leave translations out")
    p.add_argument("--coders", help="whose coding counts (default: consensus if any, else all)")
    p.add_argument("--nvivo", action="store_true", help="qdpx: positions in UTF-16 units as NVivo counts")
    p.add_argument("--validate", action="store_true", help="qdpx: check the file against the REFI-QDA 1.0 schema")
    p.add_argument("--redact", action="store_true",
                   help="qdpx: leave out redacted names (texts, names, notes; coded spans move). Without it a qdpx "
                        "carries every transcript in full, unredacted")
    p.add_argument("--memos", action="store_true", help="themes: add the memos on each theme and its codes")

    p = command("redact", "names never to appear in exports (they become [name]); without NAME, list them",
                cmd_redact, writes=True)
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true")

    def team(name: str, help: str, handler, writes: bool = False):
        p = command(name, help, handler, writes=writes)
        p.add_argument("--coders", required=True, metavar="A,B[,C…]")
        p.add_argument("--unit", default="sentence", choices=["sentence", "turn", "char"])
        p.add_argument("--doc", action="append", metavar="DOC", help="compare this document (repeat)")
        return p

    p = team("agreement", "intercoder agreement: percent, Cohen's kappa, Krippendorff's alpha", cmd_agreement)
    p.add_argument("--code", action="append", metavar="CODE", help="only this code (repeat)")
    p.add_argument("--overlap", type=float, default=0.9, help="Jaccard threshold for segment overlap")
    p.add_argument("--out", metavar="FILE", help="also write the table as .docx or .csv")
    p.add_argument("--json", action="store_true")

    p = team("disagreements", "where two coders differ, unit by unit", cmd_disagreements)
    p.add_argument("--code", action="append", metavar="CODE")
    p.add_argument("--json", action="store_true")

    p = team("reconcile", "the queue of disagreements; --decide records a decision into the consensus coder",
             cmd_reconcile, writes=True)
    p.add_argument("--decide", nargs=2, metavar=("ID", "CHOICE"),
                   help="CHOICE: accept-a, accept-b, both, neither or edit")
    p.add_argument("--note")
    p.add_argument("--span", metavar="S:E", help="with edit: the span the consensus codes")
    p.add_argument("--code", action="append", metavar="CODE", help="with edit: the codes to keep")
    p.add_argument("--agreed", action="store_true", help="first write what both coders agree on")
    p.add_argument("--consensus", metavar="NAME",
                   help="the consensus coder's name, remembered by the project (see: qualcode settings)")
    p.add_argument("--json", action="store_true")

    p = command("merge", "merge a co-author's project into this one (documents by text, codes by UUID, then "
                "name); it stops at conflicts unless told which side wins", cmd_merge, writes=True)
    p.add_argument("other", metavar="OTHER_PROJECT")
    p.add_argument("--prefer", choices=["mine", "theirs", "ask"],
                   help="where the projects disagree, keep this project's values, the other's, or ask for each")
    p.add_argument("--dry-run", action="store_true", help="say what the merge would do (and its conflicts); "
                   "write nothing")
    p.add_argument("--json", action="store_true", help="print the report (counts of rows written) as JSON")

    p = command("participants", "list participants, or load their attributes from a CSV",
                cmd_participants, writes=True)
    p.add_argument("action", nargs="?", choices=["list", "load", "check"], default="list")
    p.add_argument("file", nargs="?", metavar="FILE.csv")
    p.add_argument("--json", action="store_true")

    add_review_commands(sub, command, Parser)
    add_query_commands(command)

    codebook = sub.add_parser("codebook", help="the codebook: codes and themes",
                              description="the codebook: codes and themes")
    cb = codebook.add_subparsers(dest="codebook_command", metavar="ACTION", required=True,
                                 parser_class=Parser)

    def cb_command(name: str, help: str, handler, *, writes: bool = False):
        p = cb.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler, writes=writes, needs_project=True)
        p.add_argument("--coder", default=None, help="who is working")
        return p

    p = cb_command("add", "add one code", cmd_codebook_add, writes=True)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--parent", metavar="NAME")
    p.add_argument("--color", help="#RRGGBB")
    p.add_argument("--category", action="store_true", help="a category that groups codes, not codable")
    p.add_argument("--json", action="store_true")

    p = cb_command("show", "show the codebook", cmd_codebook_show)
    p.add_argument("--lang", help="show labels in this language")
    p.add_argument("--json", action="store_true")

    p = cb_command("load", "load a codebook (.yaml or REFI .qdc/.qdpx), merging by UUID", cmd_codebook_load,
                   writes=True)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--retire", action="store_true",
                   help="retire codes with codings that the file no longer has (else the load is refused)")
    p.add_argument("--json", action="store_true")

    p = cb_command("check", "list every problem of a codebook file (exit 2 if any); needs no project",
                   cmd_codebook_check)
    p.set_defaults(needs_project=False)
    p.add_argument("file", metavar="FILE")

    p = cb_command("export", "write the codebook as .yaml, REFI .qdc or a .docx appendix", cmd_codebook_export)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--lang", help="language of the .docx appendix")
    p.add_argument("--validate", action="store_true", help=".qdc: check the file against the REFI-QDA 1.0 schema")

    p = cb_command("edit", "change a code: name, parent, colour or a field in a language", cmd_codebook_edit,
                   writes=True)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--name")
    p.add_argument("--parent", help="new parent code ('' for the top level)")
    p.add_argument("--color", help="#RRGGBB")
    for option in ("label", "brief", "definition", "when-to-use", "when-not-to-use", "example"):
        p.add_argument(f"--{option}", action="append", metavar="LANG=TEXT", dest=option.replace("-", "_"))
    p.add_argument("--json", action="store_true")

    p = cb_command("retire", "retire a code: it keeps its codings but can no longer be applied",
                   cmd_codebook_retire, writes=True)
    p.add_argument("code", metavar="CODE")

    p = cb_command("delete", "delete a code nobody has applied (one with codings: retire or merge it)",
                   cmd_codebook_delete, writes=True)
    p.add_argument("code", metavar="CODE")

    p = cb_command("merge", "merge code A into code B: every coding of A becomes B's, then A goes",
                   cmd_codebook_merge, writes=True)
    p.add_argument("source", metavar="A")
    p.add_argument("target", metavar="B")
    p.add_argument("--json", action="store_true")

    p = cb_command("move", "put a code under another parent and/or at a place among its siblings",
                   cmd_codebook_move, writes=True)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--parent", help="the new parent ('' for the top level)")
    p.add_argument("--position", type=int, metavar="N", help="its place among its siblings, 1 first")
    p.add_argument("--json", action="store_true")

    p = cb_command("pin", "put a code on a number key (1-9) of the workbench", cmd_codebook_pin, writes=True)
    p.add_argument("code", metavar="CODE")
    p.add_argument("key", type=int, choices=range(1, 10), metavar="KEY")

    p = cb_command("history", "every change to the codebook: who, when, what", cmd_codebook_history)
    p.add_argument("--json", action="store_true")

    theme = sub.add_parser("theme", help="themes: named groups of codes", description="themes: named groups of codes")
    th = theme.add_subparsers(dest="theme_command", metavar="ACTION", required=True, parser_class=Parser)
    p = th.add_parser("add", help="add a theme", description="add a theme")
    p.set_defaults(handler=cmd_theme_add, writes=True, needs_project=True)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--code", action="append", metavar="CODE", help="a code of the theme (repeat)")
    p.add_argument("--definition")
    p.add_argument("--lang", help="language of the definition")
    p.add_argument("--coder", help="who is working")
    p = th.add_parser("show", help="list themes and their codes", description="list themes and their codes")
    p.set_defaults(handler=cmd_theme_show, writes=False, needs_project=True, coder=None)
    p.add_argument("--lang")
    p.add_argument("--json", action="store_true")

    p = command("settings", "show or set a project setting (display_language, consensus_coder, blind: on|off)",
                cmd_settings, writes=True, coder=False)
    p.add_argument("key", nargs="?", choices=SETTINGS)
    p.add_argument("value", nargs="?")
    return parser


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{value}'")
    return int(value)


def project_path(args) -> Path:
    return Path(args.project or os.environ.get("QUALCODE_PROJECT") or DEFAULT_PROJECT)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), "tui"])
    if args.coder_before and getattr(args, "coder", None) is None:
        args.coder = args.coder_before
    path = project_path(args)
    created = False
    if args.command not in ("tui", "demo"):
        protect_terminal()
    try:
        if not args.needs_project:
            args.handler(args, path)
            return 0
        if hasattr(args, "before_project"):
            args.before_project(args)
        from ..project import Project

        created = args.writes and not path.exists()
        with Project(path, create=args.writes, on_wait=_say) as project:
            args.handler(args, project)
        return 0
    except QualcodeError as exc:
        if created:
            _remove_project(path)
        _say(f"error: {exc}")  # one line; what it sums up (exc.details) the command shows, if it will
        return 2
    except KeyboardInterrupt:
        if created:
            _remove_project(path)
        print("qualcode: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a fault of ours: one line, exit 1 (QUALCODE_DEBUG=1 shows the traceback)
        if created:
            _remove_project(path)
        if os.environ.get("QUALCODE_DEBUG"):
            raise
        _say(f"internal error: {type(exc).__name__}: {exc}")
        return 1


def _say(message: str) -> None:
    """One line on stderr, whatever the message holds (a name with a line break or ESC)."""
    print(f"qualcode: {escape_controls(message)}", file=sys.stderr, flush=True)


def _remove_project(path: Path) -> None:
    """A project this command created and then failed to fill is not left behind."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
