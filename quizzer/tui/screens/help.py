"""Help: every key that works on the screen below, read from the live bindings.

Built from `active_bindings` rather than a hand-written list, so a key remapped in config.json
or added to a screen shows here without anyone updating a help text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from quizzer.tui.screens.base import QuizModal

# Widget keys (cursor movement, copy and paste) are left to their widgets; the help lists the
# quiz's own bindings, which all carry an id, plus the command palette.
ALWAYS = (("ctrl+p", "Command palette: every action by name"),)


def bindings_table(screen: Screen[object]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_column(style="dim", no_wrap=True)
    seen: set[tuple[str, str]] = set()
    rows = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.description or not binding.id:
            continue
        display = screen.app.get_key_display(binding)
        if (display, binding.description) in seen:
            continue
        seen.add((display, binding.description))
        rows.append((display, binding.tooltip or binding.description, binding.id or ""))
    for display, description, binding_id in rows:
        table.add_row(display, description, binding_id)
    for key, description in ALWAYS:
        table.add_row(screen.app.get_key_display(Binding(key, "")), description, "")
    return table


class HelpScreen(QuizModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__(classes="help")
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = self.t("help")
            box.border_subtitle = "Esc"
            yield Static(Text(self.t("help_intro")), id="help-intro")
            yield Static(bindings_table(self.under), id="help-keys")

    def action_close(self) -> None:
        self.dismiss()
