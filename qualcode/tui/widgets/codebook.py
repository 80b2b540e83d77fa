"""The codebook pane: themes and categories as a tree, with counts; / finds a code as you type."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...analysis.codematch import rank_codes
from ...model import Code, Theme
from ..screens import safe_colour


@dataclass(frozen=True)
class CodeNode:
    code: Code


@dataclass(frozen=True)
class ThemeNode:
    theme: Theme


class CodebookTree(Tree):
    """The codes on keys 1–9, themes → codes, then the code hierarchy; Enter on a code opens its retrieval,
    p pins it to a number key, / finds a code by typing (any language; Enter or Escape ends)."""

    BINDINGS = [Binding("p", "pin", "Pin to key", id="codebook.pin"),
                Binding("slash", "find", "Find code", key_display="/", id="codebook.find")]

    @dataclass
    class PinRequested(Message):
        code: Code

    @dataclass
    class CodeHighlighted(Message):
        code: Code | None

    @dataclass
    class CodeChosen(Message):
        code: Code

    def __init__(self, **kwargs) -> None:
        super().__init__("codebook", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self.codes: list[Code] = []
        self.lang: str | None = None
        self.code_nodes: dict[str, TreeNode] = {}  # uid -> its node under "Codes"
        self.finding: str | None = None  # what is typed after /, while finding
        self.pinnable = True  # the codebook editor's tree pins nothing (nor lists its key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.pinnable if action == "pin" else True

    def fill(self, codes: list[Code], themes: list[Theme], counts: dict[int, int], lang: str | None,
             quick: list[Code | None]) -> None:
        keys = {c.id: str(i) for i, c in enumerate(quick, start=1) if c}
        by_id = {c.id: c for c in codes}

        def label(code: Code, key: bool = True) -> Text:
            text = Text()
            text.append("■ ", style=safe_colour(code.color))
            text.append(code.label(lang), style="dim strike" if code.retired else ("" if code.codable else "bold"))
            if code.id in counts:
                text.append(f"\u00a0{counts[code.id]}", style="dim")  # a plain space gets trimmed
            if key and code.id in keys:
                text.append(f"\u00a0[{keys[code.id]}]", style="bold cyan")
            return text

        self.codes, self.lang = codes, lang
        self.clear()
        if any(quick) and self.pinnable:
            # first: at 80 × 24 the themes alone fill the pane; the key leads, a long label is cut at its end
            key_root = self.root.add("[b]Keys[/b]", expand=True)
            for key, code in enumerate(quick, start=1):
                if code is not None:
                    key_root.add_leaf(Text(f"{key} ", style="bold cyan") + label(code, key=False), data=CodeNode(code))
        if themes:
            theme_root = self.root.add("[b]Themes[/b]", expand=True)
            for theme in themes:
                node = theme_root.add(Text(theme.label(lang), style="italic"), data=ThemeNode(theme), expand=False)
                for code_id in theme.code_ids:
                    if code_id in by_id:
                        node.add_leaf(label(by_id[code_id]), data=CodeNode(by_id[code_id]))
        code_root = self.root.add("[b]Codes[/b]", expand=True)
        nodes = {None: code_root}
        self.code_nodes = {}
        for code in codes:
            parent = nodes.get(code.parent_id, code_root)
            has_children = any(c.parent_id == code.id for c in codes)
            if has_children:
                nodes[code.id] = node = parent.add(label(code), data=CodeNode(code), expand=True)
            else:
                node = parent.add_leaf(label(code), data=CodeNode(code))
            self.code_nodes[code.uid] = node

    def select_code(self, uid: str) -> None:
        """Put the cursor on a code (in the code hierarchy), scrolled into view."""
        node = self.code_nodes.get(uid)
        if node is not None:
            self.move_cursor(node)
            self.scroll_to_node(node, animate=False)

    @property
    def highlighted_code(self) -> Code | None:
        node = self.cursor_node
        return node.data.code if node is not None and isinstance(node.data, CodeNode) else None

    # --- type to find -------------------------------------------------------------------------

    def action_find(self) -> None:
        self.finding = ""
        self.show_finding()

    def show_finding(self) -> None:
        self.border_title = None if self.finding is None else f"find: {self.finding}▏"

    def on_key(self, event: events.Key) -> None:
        """While finding, typed characters go to the query (not to the keys' actions); the
        cursor jumps to the best match, categories included."""
        if self.finding is None:
            active = self.screen.active_bindings.get(event.key)
            if active is not None and active.node is self and active.binding.action == "find":
                # begun here, not by the binding: keys typed right after / (fast, or pasted)
                # reach the tree before a binding's action would have run
                event.stop()
                event.prevent_default()
                self.action_find()
            return
        if event.key in ("escape", "enter"):
            self.finding = None
        elif event.key == "backspace":
            self.finding = self.finding[:-1]
        elif event.is_printable and event.character:
            self.finding += event.character
        else:
            return  # arrows and the like move as usual
        event.stop()
        event.prevent_default()
        self.show_finding()
        if self.finding:
            found = rank_codes(self.codes, self.finding, self.lang, limit=1, codable_only=False)
            if found:
                self.select_code(found[0].code.uid)

    def action_pin(self) -> None:
        node = self.cursor_node
        if node is not None and isinstance(node.data, CodeNode) and node.data.code.codable:
            self.post_message(self.PinRequested(node.data.code))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        data = event.node.data
        self.post_message(self.CodeHighlighted(data.code if isinstance(data, CodeNode) else None))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        data = event.node.data
        if isinstance(data, CodeNode) and data.code.codable:
            self.post_message(self.CodeChosen(data.code))
