"""Home: banks and topics with counts, a filter, the day's plan, start or continue a session."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Static, Tree

from quizzer.core.session import SessionOptions, day_plan, topic_tree
from quizzer.core.stats import Counts, TopicNode
from quizzer.tui.screens.base import QuizScreen

# A scope is what the highlighted tree node selects: ("all", ""), ("topic", name), ("bank", id).
Scope = tuple[str, str]
ALL: Scope = ("all", "")

# Width of the name column at the root; deeper rows lose the tree's indentation from it so the
# count columns line up (the tree indents 2 cells per level; nodes with children add a 2-cell
# expander).
NAME_WIDTH = 22  # at 80 columns; wider terminals widen it (see HomeScreen.name_width)
COUNTS_WIDTH = 20  # what count_columns draws
INDENT = 2


def count_columns(counts: Counts) -> str:
    return f"{counts.questions:>4} {counts.due:>4} {counts.new:>4} {counts.mastered_pct:>4.0f}%"


def node_label(
    name: str, counts: Counts, depth: int, *, leaf: bool = False, name_width: int = NAME_WIDTH
) -> Text:
    # A leaf has no 2-cell expander, so its name column is 2 cells wider.
    width = name_width - INDENT * depth + (2 if leaf else 0)
    # Pad by terminal cells, not characters: a Chinese title's characters are 2 cells wide.
    if cell_len(name) > width:
        name = set_cell_size(name, width - 1) + "…"
    label = Text(set_cell_size(name, width), style="bold" if depth < 2 else "")
    label.append(count_columns(counts), style="dim" if counts.due == 0 else "")
    return label


def matches(text: str, needle: str) -> bool:
    return needle.casefold() in text.casefold()


class HomeScreen(QuizScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start", id="home.start", tooltip="Start a session in the scope"),
        Binding(
            "c",
            "continue",
            "Continue",
            id="home.continue",
            tooltip="Continue the unfinished session",
        ),
        Binding("slash", "focus_filter", "Filter", id="home.filter"),
        Binding("t", "stats", "Stats", id="home.stats", tooltip="Reviews, retention, mastery"),
        Binding("escape", "focus_tree", "Topics", show=False, id="home.focus_tree"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def __init__(self) -> None:
        super().__init__(id="home")
        self.scope: Scope = ALL
        self._has_unfinished = False
        self._moving_to: Scope | None = None
        self._laid_out_width = 0
        self._tree_data: list[TopicNode] = []

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(("quizzer", "bold"), "  ·  ", self.t("tagline")), classes="title-bar"
        )
        with Horizontal(id="home-body"):
            with Vertical(id="topics-pane") as pane:
                pane.border_title = self.t("topics")
                yield Input(placeholder=self.t("filter"), id="filter", compact=True)
                yield Static(self._columns_header(), id="columns")
                tree: Tree[Scope] = Tree(self.t("all_banks"), data=ALL, id="topic-tree")
                tree.guide_depth = INDENT
                yield tree
            with Vertical(id="plan-pane") as plan:
                plan.border_title = self.t("plan")
                yield Static(id="plan")
                yield Static(id="continue-hint")
                yield Button(self.t("start"), id="start", variant="primary", compact=True)
                yield Button(self.t("continue"), id="continue", compact=True)
        yield Footer(compact=True, show_command_palette=False)

    def _columns_header(self) -> Text:
        # Aligned with count_columns, after the root's 2-cell expander and the name column.
        return Text(" " * (self.name_width() + 1) + self.t("columns"), style="dim")

    def name_width(self) -> int:
        """The name column's width at the root: what the tree's width leaves beside the counts
        (the root's expander takes 2 cells, the scrollbar 1)."""
        trees = self.query("#topic-tree").results(Tree)
        tree = next(trees, None)
        if tree is None:
            return NAME_WIDTH  # still composing
        width = tree.scrollable_content_region.width
        return max(NAME_WIDTH, width - 2 - COUNTS_WIDTH - 1) if width else NAME_WIDTH

    def on_resize(self) -> None:
        self.call_after_refresh(self._relayout_if_wider)

    def _relayout_if_wider(self) -> None:
        if self.name_width() != self._laid_out_width:
            self._relayout()

    def _relayout(self) -> None:
        self._laid_out_width = self.name_width()
        self.query_one("#columns", Static).update(self._columns_header())
        self._fill_tree(self.query_one("#filter", Input).value.strip())

    def on_mount(self) -> None:
        super().on_mount()
        self.scope = self._scope_from_options(self.quiz.options)
        # The counts are read in on_screen_resume, which also runs when the screen first shows.
        self.query_one("#topic-tree", Tree).focus()
        skipped = len(self.quiz.catalog.skipped_files)
        if skipped:
            self.notify(self.t("skipped_banks", n=skipped), severity="warning", timeout=8)

    def after_relabel(self) -> None:
        self.reload()
        self.query_one("#topic-tree", Tree).focus()

    def on_screen_resume(self) -> None:
        self.reload()  # first shown, or a session just ended: counts changed

    def _scope_from_options(self, options: SessionOptions) -> Scope:
        if len(options.bank_ids) == 1 and not options.topics:
            return ("bank", options.bank_ids[0])
        if len(options.topics) == 1 and not options.bank_ids:
            return ("topic", options.topics[0])
        return ALL

    def reload(self) -> None:
        """Re-read the counts from the store and redraw the tree and the plan."""
        self._tree_data = topic_tree(self.quiz.catalog, self.quiz.store, self.quiz.now())
        self._relayout()
        self._show_plan()

    def _fill_tree(self, needle: str) -> None:
        tree: Tree[Scope] = self.query_one("#topic-tree", Tree)
        tree.clear()
        tree.root.set_label(self._root_label())
        width = self.name_width()
        tree.root.expand()
        lang = self.lang
        highlight = None
        for topic in self._tree_data:
            banks = [
                b
                for b in topic.banks
                if not needle or matches(b.bank_id, needle) or matches(b.title.get(lang), needle)
            ]
            if needle and not matches(topic.topic, needle) and not banks:
                continue
            shown = banks if banks else topic.banks
            scope: Scope = ("topic", topic.topic)
            node = tree.root.add(
                node_label(topic.topic, topic.counts, 1, name_width=width),
                data=scope,
                expand=bool(needle) or self.scope in [("bank", b.bank_id) for b in topic.banks],
            )
            highlight = node if scope == self.scope else highlight
            for bank in shown:
                bank_scope: Scope = ("bank", bank.bank_id)
                leaf = node.add_leaf(
                    node_label(bank.title.get(lang), bank.counts, 2, leaf=True, name_width=width),
                    data=bank_scope,
                )
                if bank_scope == self.scope:
                    highlight = leaf
                    node.expand()
        if highlight is not None:
            # Until the cursor lands there, the tree's own "root highlighted" events are stale.
            self._moving_to = self.scope
            self.call_after_refresh(tree.move_cursor, highlight)

    def _root_label(self) -> Text:
        total = Counts()
        for topic in self._tree_data:
            c = topic.counts
            total = Counts(
                total.questions + c.questions,
                total.due + c.due,
                total.new + c.new,
                total.mastered + c.mastered,
            )
        return node_label(self.t("all_banks"), total, 0, name_width=self.name_width())

    def scoped_options(self) -> SessionOptions:
        kind, name = self.scope
        options = self.quiz.options
        if kind == "bank":
            return replace(options, bank_ids=(name,), topics=(), lang=self.lang)
        if kind == "topic":
            return replace(options, bank_ids=(), topics=(name,), lang=self.lang)
        if len(options.bank_ids) > 1 or len(options.topics) > 1:
            return replace(options, lang=self.lang)  # `--bank a --bank b`: no single tree node
        return replace(options, bank_ids=(), topics=(), lang=self.lang)

    def _scope_text(self) -> str:
        kind, name = self.scope
        if kind == "bank":
            try:
                title = self.quiz.catalog.bank(name).title.get(self.lang)
            except Exception:
                title = name
            return self.t("scope_bank", name=title)
        if kind == "topic":
            return self.t("scope_topic", name=name)
        return self.t("scope_all")

    def _show_plan(self) -> None:
        plan = day_plan(self.quiz.catalog, self.quiz.store, self.scoped_options(), self.quiz.now())
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold")
        grid.add_column(justify="right")
        grid.add_row(self.t("scope"), self._scope_text())
        grid.add_row(self.t("due_now"), str(plan.due))
        grid.add_row(self.t("new_today"), str(plan.new))
        grid.add_row(self.t("session_size"), self.t("questions_n", n=plan.due + plan.new))
        grid.add_row(self.t("mastered"), f"{plan.total.mastered_pct:.0f}%")
        grid.add_row(self.t("done_today"), str(plan.reviewed_today + plan.new_today))
        self.query_one("#plan", Static).update(grid)
        self.query_one("#start", Button).disabled = plan.due + plan.new == 0
        unfinished = self.quiz.store.unfinished_session()
        self._has_unfinished = unfinished is not None
        hint = self.query_one("#continue-hint", Static)
        button = self.query_one("#continue", Button)
        button.display = unfinished is not None
        if unfinished is None:
            hint.update("")
        else:
            when = unfinished.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
            hint.update(
                Text(self.t("continue_hint", when=when, n=unfinished.answered), style="italic")
            )
        self.refresh_bindings()

    # -- events -------------------------------------------------------------------------------

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Scope]) -> None:
        scope = event.node.data or ALL
        if self._moving_to is not None:
            if scope != self._moving_to:
                return
            self._moving_to = None
        if scope != self.scope:
            self.scope = scope
            self._show_plan()

    def on_tree_node_selected(self, event: Tree.NodeSelected[Scope]) -> None:
        # Enter on a topic only folds it; Enter on a bank starts a session there.
        if event.node.data and event.node.data[0] == "bank":
            self.action_start()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill_tree(event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_focus_tree()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "continue":
            self.action_continue()

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":
            return self._has_unfinished
        return True

    def action_start(self) -> None:
        self.quiz.start_session(self.scoped_options())

    def action_continue(self) -> None:
        self.quiz.continue_session()

    def action_stats(self) -> None:
        self.quiz.action_stats()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_focus_tree(self) -> None:
        self.query_one("#topic-tree", Tree).focus()
