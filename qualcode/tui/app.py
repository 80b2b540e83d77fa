"""The qualcode workbench: documents | transcript | codebook and inspector.

The app is a face: every action calls `Project`, which writes it to SQLite in one
transaction at once. The app keeps only what it shows (the open document, its units and
segments) and reloads it after each action.
"""

from __future__ import annotations

import re
from functools import cache, partial
from pathlib import Path

from rich.style import Style
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import Footer, Header, Input, ProgressBar, TextArea

from ..analysis.spans import coded_units, covering
from ..errors import QualcodeError
from ..model import Code, Segment, Unit, plural
from ..project import Project
from .keymap import KEY_HELP, Keys, describe, key_label, load_keys
from .locking import LockWaiting, StillLocked
from .navigation import NavigationActions
from .picker import CodePicker, NewCode, NewCodeDialog
from .queries import QUERY_BINDINGS, QueryActions, query_screens
from .review import REVIEW_BINDINGS, ReviewActions
from .screens import ChoicePrompt, HelpScreen, TextPrompt
from .undo import UndoAndCodebookActions
from .widgets.codebook import CodebookTree
from .widgets.documents import DocumentList
from .widgets.inspector import Inspector
from .widgets.stripes import StripeGutter, StripeLegend
from .widgets.transcript import Paint, TranscriptView, coded_paints
from .workers import WorkerActions

LABEL_STYLE = Style(bold=True, color="#5fafd7")
HIT_STYLE = Style(bgcolor="#8a7400", color="#ffffff")
class QualcodeApp(ReviewActions, WorkerActions, UndoAndCodebookActions, NavigationActions, LockWaiting, QueryActions,
                  App):
    CSS_PATH = "app.tcss"
    TITLE = "qualcode"
    # every binding has an id, so a keymap file can move it (see tui/keymap.py)
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("right_square_bracket", "next_sentence", "Sentence", key_display="]",
                id="transcript.next_sentence"),
        Binding("left_square_bracket", "previous_sentence", "Prev sentence", show=False, key_display="[",
                id="transcript.previous_sentence"),
        Binding("right_curly_bracket", "next_turn", "Turn", key_display="}", id="transcript.next_turn"),
        Binding("left_curly_bracket", "previous_turn", "Prev turn", show=False, key_display="{",
                id="transcript.previous_turn"),
        *[Binding(str(n), f"quick_code({n})", f"Code {n}", show=False, id=f"coding.quick_code_{n}")
          for n in range(1, 10)],
        Binding("c", "pick_code", "Code…", id="coding.pick_code"),
        Binding("x", "remove_code", "Remove", id="coding.remove_code"),
        Binding("m", "memo", "Memo", id="coding.memo"),
        Binding("e", "exemplar", "Exemplar", show=False, id="coding.exemplar"),
        Binding("t", "translation", "Translate", show=False, id="coding.translation"),
        # priority: the transcript (a TextArea) has its own ctrl+z/ctrl+y for editing text
        Binding("ctrl+z", "undo", "Undo", priority=True, id="coding.undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, priority=True, id="coding.redo"),
        Binding("u", "goto_undo", "Go to last undo", show=False, id="coding.goto_undo"),
        Binding("C", "edit_codebook", "Edit codebook", show=False, id="codebook.edit"),
        Binding("L", "switch_language", "Language", show=False, id="view.language"),
        Binding("slash", "search", "Search", key_display="/", id="search.open"),
        Binding("n", "next_hit", "Next hit", show=False, id="search.next_hit"),
        Binding("N", "previous_hit", "Previous hit", show=False, id="search.previous_hit"),
        Binding("v", "cycle_layer", "Layer", show=False, id="view.cycle_layer"),
        Binding("ctrl+e", "export", "Export", show=False, priority=True, id="app.export"),
        Binding("f2", "toggle_documents", "Docs", show=False, id="view.toggle_documents"),
        Binding("f3", "toggle_side", "Codebook", show=False, id="view.toggle_codebook"),
        Binding("f4", "resize_side(-4)", "Narrower", show=False, id="view.narrower"),
        Binding("f5", "resize_side(4)", "Wider", show=False, id="view.wider"),
        *REVIEW_BINDINGS,
        *QUERY_BINDINGS,
    ]

    def __init__(self, project_path: Path, coder: str | None = None, doc: int | None = None,
                 layer: str | None = None, keys: str | None = None, unblind: bool = False) -> None:
        super().__init__()
        self.requested_layer = layer
        self.unblind = unblind
        self.project = Project(project_path, on_wait=self.on_lock_wait)
        self.project_path = project_path
        self.coder = coder or self.project.settings.coder
        self.user_keys: Keys = load_keys(set(default_keys()), preset=keys)
        self.set_keymap(self.user_keys.keymap)
        self.reported_clashes: set[frozenset[str]] = set()
        self.initial_doc = doc
        self.lang = self.project.settings.display_language
        self.doc_id: int | None = None
        self.text = ""
        self.sentences: list[Unit] = []
        self.turns: list[Unit] = []
        self.segments: list[Segment] = []
        self.codes: dict[int, Code] = {}
        self.hits: list[tuple[int, int]] = []
        self.layer = "mine"
        self.side_width = 38
        self.summaries: dict = {}
        self.progress: dict[int, tuple[int, int]] = {}
        self.last_undo: tuple[int, int, int] | None = None  # where the last undo or redo changed coding

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            yield DocumentList(id="documents")
            with Vertical(id="center"):
                with Horizontal(id="transcript-row"):
                    transcript = TranscriptView(id="transcript")
                    yield StripeGutter(transcript, id="stripes")
                    yield transcript
                yield StripeLegend(id="legend")
                yield Input(placeholder="search this document (Enter finds, Escape closes)", id="search")
                yield ProgressBar(id="progress", show_eta=False)
            with Vertical(id="side"):
                yield CodebookTree(id="codebook")
                yield Inspector(id="inspector")
        yield Footer()

    def on_mount(self) -> None:
        for problem in self.user_keys.problems:
            self.notify(problem, severity="warning", timeout=10)
        self.query_one(Inspector).hint = (
            f"{self.key_text('transcript.next_sentence')} selects a sentence, {self.key_text('coding.quick_code_1')}"
            f"–{self.key_text('coding.quick_code_9')} or {self.key_text('coding.pick_code')} codes it.")
        self.query_one("#search").display = False
        self.query_one("#progress").display = False
        if self.size.width < 100:
            self.query_one("#documents").display = False
        # wide terminals give the codebook room; narrow ones keep the transcript readable
        self.side_width = 38 if self.size.width >= 120 else 28
        self.apply_side_width()
        self.notify_read_only()
        if self.coder:
            self.start()
        else:
            self.push_screen(TextPrompt("Who is coding? (remembered for this project)",
                                        self.project.default_actor()), self.coder_chosen)

    def coder_chosen(self, name: str | None) -> None:
        name = (name or "").strip() or self.project.default_actor()  # nothing typed: the name offered
        # a read-only project cannot remember the name: it is used all the same
        self.coder = name if self.project.read_only else self.project.settings.set_coder(name)
        self.start()

    def start(self) -> None:
        self.lang = self.project.settings.language_of(self.coder) or self.lang
        self.setup_review()
        others = [c for c in self.project.coding.coders() if c != self.coder]
        # blind coding: with co-authors in the project, each sees only their own coding
        self.layer = self.requested_layer or ("mine" if others else "all")
        self.update_title()
        self.refresh_codebook()
        self.refresh_documents(full=True)  # the one listing of the documents, the pane filled once
        if self.initial_doc is not None:
            self.open_document(self.initial_doc)
            self.query_one(TranscriptView).focus()
        elif self.summaries:
            self.open_document(next(iter(self.summaries)))
            self.query_one(TranscriptView).focus()
        else:
            self.notify("The project has no documents yet: ctrl+p → Import files.", timeout=8)

    def on_unmount(self) -> None:
        self.project.close()

    def update_title(self) -> None:
        layer = {"mine": "my coding", "all": "all coders"}.get(self.layer, f"coder {self.layer}")
        read_only = " · read-only" if self.project.read_only else ""
        self.sub_title = (f"{self.project_path.name}{read_only} · coder: {self.coder} · showing {layer}"
                          f"{self.blind_note()}")

    def apply_side_width(self) -> None:
        self.query_one("#side").styles.width = self.side_width

    # --- data ---------------------------------------------------------------------------------

    def guard(self, function, *args, **kwargs):
        """Run a project action; a user error becomes a notification, never a traceback."""
        try:
            return function(*args, **kwargs)
        except StillLocked as exc:  # another process holds the project: tried again soon
            self.retry_when_free(str(exc), function, args, kwargs)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
        except Exception as exc:  # a fault of ours must not lose the screen or the work
            self.notify(f"internal error: {type(exc).__name__}: {exc}", severity="error", timeout=10)
        return None

    def visible(self, segment: Segment) -> bool:
        if self.blind.hides(segment.coder, segment.doc_id):
            return False
        if self.layer == "all":
            return True
        return segment.coder == (self.coder if self.layer == "mine" else self.layer)

    def refresh_documents(self, full: bool = True) -> None:
        """The documents pane: every line (at start, after an import or a change of layer), else
        only the open document's (after coding it): a project may hold a thousand transcripts."""
        layer_coder = self.layer_coder()
        documents = self.query_one(DocumentList)
        if full:
            self.summaries = {d.id: d for d in self.project.documents.list()}
            self.progress = self.project.coding.progress(layer_coder)
            documents.fill(list(self.summaries.values()), self.progress, self.doc_id)
        elif self.doc_id in self.summaries:
            self.progress.update(self.project.coding.progress(layer_coder, self.doc_id))
            documents.update(self.summaries[self.doc_id], self.progress.get(self.doc_id), self.doc_id)

    def refresh_codebook(self) -> None:
        codes = self.project.codebook.codes()
        self.codes = {c.id: c for c in codes}
        counts = self.project.coding.code_counts(self.layer_coder())
        self.query_one(CodebookTree).fill(codes, self.project.codebook.themes(), counts, self.lang,
                                          self.project.codebook.quick_codes())

    def open_document(self, doc_id: int, select: tuple[int, int] | None = None) -> None:
        doc = self.guard(self.project.documents.get, doc_id)
        if doc is None:
            return
        previous, self.doc_id = self.doc_id, doc.id
        self.text = doc.text
        self.sentences = self.project.documents.units(doc.id, "sentence")
        self.turns = self.project.documents.units(doc.id, "turn")
        self.hits = []
        view = self.query_one(TranscriptView)
        view.show(doc.text)
        view.border_title = doc.name
        self.update_title()  # blind coding is per document
        self.refresh_coding()  # and the open document's line, in bold
        if previous in self.summaries and previous != doc.id:  # no longer in bold
            self.query_one(DocumentList).update(self.summaries[previous], self.progress.get(previous), doc.id)
        if select:
            view.select_offsets(*select)
        else:
            view.move_cursor((0, 0))

    def refresh_coding(self) -> None:
        """Reload the open document's segments and repaint; update counts and progress."""
        if self.doc_id is None:
            return
        self.segments = self.project.coding.document_segments(self.doc_id)
        shown = [s for s in self.segments if self.visible(s)]
        colours = {c.id: c.color or "#888888" for c in self.codes.values()}
        label_starts = {t.start: t for t in self.turns}
        paints = [Paint(t.start - len(self.label_of(t)), t.start, LABEL_STYLE) for t in label_starts.values()]
        paints += coded_paints([(s.start, s.end, colours.get(s.code_id, "#888888")) for s in shown])
        paints += [Paint(a, b, HIT_STYLE) for a, b in self.hits]
        view = self.query_one(TranscriptView)
        view.paint(paints)
        coded = coded_units(self.sentences, [(s.start, s.end) for s in shown])
        view.border_subtitle = f"{plural(len(shown), 'segment')} · {coded}/{len(self.sentences)} sentences coded"
        self.refresh_stripes(shown)
        self.update_inspector()
        self.refresh_documents(full=False)

    def label_of(self, turn: Unit) -> str:
        line_start = self.text.rfind("\n", 0, turn.start) + 1
        return self.text[line_start:turn.start]

    def update_inspector(self) -> None:
        view = self.query_one(TranscriptView)
        start, end = view.selection_offsets()
        here = [s for s in covering(self.segments, start, end if end > start else None) if self.visible(s)]
        self.query_one(Inspector).show_segments(here, self.codes, self.lang)

    @on(TextArea.SelectionChanged, "#transcript")
    def selection_changed(self) -> None:
        self.update_inspector()

    @on(DocumentList.OptionSelected, "#documents")
    def document_chosen(self, event: DocumentList.OptionSelected) -> None:
        if event.option.id:
            self.open_document(int(event.option.id.removeprefix("doc-")))
            self.query_one(TranscriptView).focus()

    @on(CodebookTree.CodeHighlighted)
    def code_highlighted(self, event: CodebookTree.CodeHighlighted) -> None:
        if event.code:
            self.query_one(Inspector).show_code(event.code, self.lang)

    @on(CodebookTree.PinRequested)
    def pin_requested(self, event: CodebookTree.PinRequested) -> None:
        def pin(value: str | None) -> None:
            if value and value.strip().isdigit():
                if self.guard(self.project.codebook.pin_quick_code, int(value), event.code.uid) is None:
                    self.notify(f"{event.code.label(self.lang)} is now on key {value.strip()}")
                    self.refresh_codebook()

        self.push_screen(TextPrompt(f"Pin “{event.code.label(self.lang)}” to key (1–9)"), pin)

    @on(CodebookTree.CodeChosen)
    def code_chosen(self, event: CodebookTree.CodeChosen) -> None:
        from .retrieval import RetrievalScreen

        self.push_screen(RetrievalScreen(event.code, self.lang))

    # --- coding ---------------------------------------------------------------------------------

    def apply(self, code: Code) -> None:
        span = self.target()
        if self.doc_id is None or span is None:
            self.notify(f"Nothing to code here: {self.key_text('transcript.next_sentence')} selects a sentence.",
                        severity="warning")
            return
        if self.guard(self.project.coding.add_segment, self.doc_id, code.uid, *span, coder=self.coder):
            self.refresh_coding()
            self.refresh_codebook()

    def action_quick_code(self, n: int) -> None:
        code = self.project.codebook.quick_codes()[n - 1]
        if code is None:
            self.notify(f"No code on key {n}: the codebook has fewer codable codes.", severity="warning")
            return
        self.apply(code)

    def action_pick_code(self) -> None:
        def chosen(choice) -> None:
            if isinstance(choice, NewCode):
                self.ask_new_code(choice)
            elif isinstance(choice, Code):
                self.apply(choice)

        self.push_screen(CodePicker(self.project.codebook.codes(), self.lang), chosen)

    def mine_here(self) -> list[Segment]:
        view = self.query_one(TranscriptView)
        start, end = view.selection_offsets()
        return [s for s in covering(self.segments, start, end if end > start else None) if s.coder == self.coder]

    def with_segment(self, verb: str, then) -> None:
        """Run `then(segment)` on my segment under the cursor, asking which when several."""
        mine = self.mine_here()
        if not mine:
            self.notify(f"None of your coding here to {verb}.", severity="warning")
            return
        if len(mine) == 1:
            then(mine[0])
            return
        choices = [(self.segment_choice(s), s) for s in mine]
        self.push_screen(ChoicePrompt(f"Which segment to {verb}?", choices),
                         lambda s: then(s) if s is not None else None)

    def action_remove_code(self) -> None:
        def remove(segment: Segment) -> None:
            if self.guard(self.project.coding.remove_segment, segment.id, self.coder):
                self.notify(f"removed {segment.code}")
                self.refresh_coding()
                self.refresh_codebook()

        self.with_segment("remove", remove)

    def edit_text(self, field: str, title: str) -> None:
        def ask(segment: Segment) -> None:
            def save(value: str | None) -> None:
                if value is not None and self.guard(self.project.coding.update_segment, segment.id, self.coder,
                                                    **{field: value}):
                    self.refresh_coding()

            self.push_screen(TextPrompt(title, getattr(segment, field) or ""), save)

        self.with_segment(field, ask)

    def action_memo(self) -> None:
        self.memo_on_focus()

    def action_translation(self) -> None:
        self.edit_text("translation", "Translation of this segment")

    def action_exemplar(self) -> None:
        def toggle(segment: Segment) -> None:
            if self.guard(self.project.coding.update_segment, segment.id, self.coder, exemplar=not segment.exemplar):
                self.notify("exemplar quote" if not segment.exemplar else "no longer an exemplar")
                self.refresh_coding()

        self.with_segment("mark as exemplar", toggle)

    @on(Input.Submitted, "#search")
    def on_search(self, event: Input.Submitted) -> None:
        self.search_submitted(event)

    # --- layers ---------------------------------------------------------------------------------

    def action_cycle_layer(self) -> None:
        if self.explain_blind():
            return
        layers = ["mine", "all"] + [c for c in self.project.coding.coders() if c != self.coder]
        self.layer = layers[(layers.index(self.layer) + 1) % len(layers)] if self.layer in layers else "mine"
        self.update_title()  # the header says which layer is shown
        self.refresh_coding()
        self.refresh_documents(full=True)
        self.refresh_codebook()

    # --- panes, help, palette -------------------------------------------------------------------

    def action_toggle_documents(self) -> None:
        pane = self.query_one("#documents")
        pane.display = not pane.display

    def action_toggle_side(self) -> None:
        pane = self.query_one("#side")
        pane.display = not pane.display

    def action_resize_side(self, delta: int) -> None:
        self.side_width = max(24, min(self.size.width // 2, self.side_width + delta))
        self.apply_side_width()

    # --- keys ----------------------------------------------------------------------------------

    def key_text(self, binding_id: str) -> str:
        """The key in effect for a binding (the first, if several), as the user types it."""
        keys = self.user_keys.keymap.get(binding_id) or default_keys()[binding_id]
        return key_label(keys.split(",")[0])

    def action_help(self) -> None:
        def keys_in(text: str) -> str:
            return re.sub(r"\{([\w.]+)\}", lambda m: self.key_text(m.group(1)), text)

        sections = [(keys_in(title), [(keys_in(keys), keys_in(text)) for keys, text in rows])
                    for title, rows in KEY_HELP]
        self.push_screen(HelpScreen(sections, describe(self.user_keys)))

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node) -> None:
        """A keymap that puts two bindings on one key: said once, not on every key press."""
        ids = frozenset(b.id or b.action for b in clashed_bindings)
        if ids not in self.reported_clashes:
            self.reported_clashes.add(ids)
            self.notify(f"keymap: a key is taken by {', '.join(sorted(ids))}", severity="warning", timeout=10)

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if binding.action.startswith(("quit", "help")):
                continue
            yield SystemCommand(binding.description, f"key: {escape(self.key_text(binding.id))}",
                                partial(self.run_action, binding.action))
        yield SystemCommand("Import files…", "import transcripts into this project", self.ask_import)
        yield SystemCommand("Export theme summary…", "Word, Markdown, CSV or Excel", self.action_export)
        yield from self.review_commands()
        yield SystemCommand("Go to last undo", "open where the last undo or redo changed coding",
                            self.action_goto_undo)
        yield SystemCommand("Edit codebook…", "add, rename, move, merge, retire, delete codes",
                            self.action_edit_codebook)
        yield SystemCommand("Switch language", "show the codes in the codebook's next language",
                            self.action_switch_language)
        for a, b, shared in self.project.team.reconcile_pairs():  # those who coded the same documents
            yield SystemCommand(escape(f"Reconcile {a} and {b}"), f"{plural(shared, 'document')} coded by both",
                                partial(self.reconcile, a, b))
        for code in self.codes.values():
            if code.codable:
                yield SystemCommand(escape(f"Segments of: {code.label(self.lang)}"), "retrieval across documents",
                                    partial(self.post_message, CodebookTree.CodeChosen(code)))
        for doc in self.project.documents.list():
            yield SystemCommand(escape(f"Open: {doc.name}"), escape(doc.group or ""),
                                partial(self.open_document, doc.id))

    def reconcile(self, a: str, b: str) -> None:
        from .reconcile import ReconcileScreen

        self.push_screen(ReconcileScreen(a, b))


@cache
def default_keys() -> dict[str, str]:
    """Every binding id a keymap may name (the workbench's, its screens' and its panes'), with
    its key before any keymap."""
    from .codebook_editor import CodebookEditor, CodeTextsDialog
    from .memos import MemoEditor, MemosScreen
    from .reconcile import ReconcileScreen
    from .retrieval import RetrievalScreen
    from .screens import ChoicePrompt, ExportDialog

    owners = (QualcodeApp, ReconcileScreen, RetrievalScreen, CodebookTree, HelpScreen, TextPrompt,
              ChoicePrompt, CodePicker, NewCodeDialog, ExportDialog, CodebookEditor, CodeTextsDialog, MemosScreen,
              MemoEditor, *query_screens())
    return {b.id: b.key for owner in owners for b in owner.BINDINGS if isinstance(b, Binding) and b.id}


def make_app(project_path: Path, coder: str | None = None, doc: int | None = None,
             layer: str | None = None, keys: str | None = None, unblind: bool = False) -> QualcodeApp:
    return QualcodeApp(Path(project_path), coder=coder, doc=doc, layer=layer, keys=keys, unblind=unblind)


def run(project_path: Path, coder: str | None = None, doc: int | None = None, layer: str | None = None,
        keys: str | None = None, unblind: bool = False) -> None:
    make_app(project_path, coder, doc, layer, keys, unblind).run()
