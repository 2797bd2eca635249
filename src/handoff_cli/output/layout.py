"""Tables that fit the terminal, at any width, in any script: the one layout every table
on a terminal goes through (`list`, `report`, the 1on1 sheet).

The rule: when every column fits at its natural width (the widest of its header and its
cells, measured in terminal cells, so CJK counts 2), a normal table. When not, the
columns that identify a row (`key`: id, person, kind, month, group) always stay, whole;
the other columns join them by priority while they fit at natural width, and free text
(`text`: titles, notes) joins when it can have at least TEXT_MIN cells, then wraps at
word boundaries. Whatever did not fit goes on an indented second line per record,
"label value · label value", wrapped at word boundaries. When even the identifying
columns do not fit, one block per record. Cells are never cut, headers never wrapped.

Cells are `Text` (plain, already sanitised by the caller) or strings, which are taken as
plain text: nothing here reads markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from handoff_cli.output.words import NONE
from handoff_cli.sanitize import sanitize

TEXT_MIN = 20  # free text gets a column only when it can have this many cells
GAP = " │ "  # between cells; " ┃ " between headers, "━╇━" under them (rich's heavy-head look)
INDENT = "    "  # the second line of a record
JOIN = "\u00a0· "  # between the label-value pairs of the second line (a line never starts with "·")


@dataclass(frozen=True)
class Column:
    """One column: its header (in the user's language) and what it is to the layout."""

    header: str
    role: str = "value"  # key: identifies the row, never dropped or broken | value | text: free text, may wrap
    right: bool = False  # numbers: aligned right
    priority: int = 0  # among the non-key columns, lower joins the table first (then left to right)


def cell(value) -> Text:
    """A cell from data: plain text, one line."""
    return value if isinstance(value, Text) else Text(sanitize("" if value is None else value))


def blank_repeats(values: Sequence[str]) -> list[str]:
    """`values` with each value that repeats the one above it blanked: a group shown once."""
    return ["" if i and value == values[i - 1] else value for i, value in enumerate(values)]


_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
# a wide (CJK) character with the closing punctuation that must not start a line; a run of
# blanks (a no-break space is none); a word (a run of anything else)
_TOKENS = re.compile(f"[（「『【〔]*[{_WIDE}][、。，．）」』】〕！？・ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ]*|[ \\t]+|[^ \\t{_WIDE}]+")


def wrap(text: Text | str, width: int) -> list[Text]:
    """`text` in lines of at most `width` cells: Latin text breaks between words, Japanese
    between characters (never before closing punctuation); a word wider than a line is
    folded. Styles are kept."""
    text = Text(text) if isinstance(text, str) else text
    width = max(width, 2)
    offsets: list[int] = []
    used = 0
    for found in _TOKENS.finditer(text.plain):
        token, start = found.group(), found.start()
        size = cell_len(token)
        if token[0] in " \t":
            used += size
            continue
        if used and used + size > width:
            offsets.append(start)
            used = 0
        if size <= width:
            used += size
            continue
        for k, char in enumerate(token):  # a word wider than a line: folded
            if used and used + cell_len(char) > width:
                offsets.append(start + k)
                used = 0
            used += cell_len(char)
    lines = text.divide(offsets) if offsets else [text.copy()]
    out = []
    for line in lines:
        line.rstrip()
        blank = len(line.plain) - len(line.plain.lstrip())
        out.append(line[blank:] if blank else line)
    return out or [Text()]


class Paragraph:
    """Prose (a legend, a summary line) wrapped with `wrap` at the console's width."""

    def __init__(self, text: Text | str, style: str = "", hang: int = 0):
        self.text = Text(text, style=style) if isinstance(text, str) else text
        self.hang = hang  # cells by which the lines after the first are indented (a numbered item)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        first, *rest = wrap(self.text, width)
        yield first
        if rest:
            rest_text = self.text[len(first.plain):]
            rest_text = rest_text[len(rest_text.plain) - len(rest_text.plain.lstrip()):]
            for line in wrap(rest_text, width - self.hang):
                yield Text(" " * self.hang) + line


class FitTable:
    """A titled table with a legend under it, laid out for the console's width when printed."""

    def __init__(self, columns: Sequence[Column], rows: Iterable[Sequence], *, title: Text | str | None = None,
                 legend: str | None = None):
        self.columns = list(columns)
        self.rows = [[cell(value) for value in row] for row in rows]
        self.title = Text(title, style="bold") if isinstance(title, str) else title
        self.legend = legend

    # the widths -----------------------------------------------------------------
    def natural(self) -> list[int]:
        return [max([cell_len(c.header)] + [row[i].cell_len for row in self.rows])
                for i, c in enumerate(self.columns)]

    def choose(self, width: int) -> dict[int, int] | None:
        """Column index -> width for the table part, or None when even the keys do not fit."""
        natural = self.natural()
        if sum(natural) + len(GAP) * (len(natural) - 1) <= width:
            return dict(enumerate(natural))
        keys = [i for i, c in enumerate(self.columns) if c.role == "key"]
        chosen = {i: natural[i] for i in keys}
        budget = width - sum(chosen.values()) - len(GAP) * (len(keys) - 1)
        if budget < 0 or not keys:
            return None
        others = sorted((i for i, c in enumerate(self.columns) if c.role != "key"),
                        key=lambda i: (self.columns[i].priority, i))
        for i in others:
            column = self.columns[i]
            least = natural[i] if column.role != "text" else max(min(natural[i], TEXT_MIN), cell_len(column.header))
            if least + len(GAP) <= budget:
                chosen[i] = least
                budget -= least + len(GAP)
        for i in others:  # free text takes what is left, up to its natural width
            if i in chosen and self.columns[i].role == "text":
                more = min(budget, natural[i] - chosen[i])
                chosen[i] += more
                budget -= more
        return dict(sorted(chosen.items()))

    # the lines ------------------------------------------------------------------
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if self.title is not None:
            yield self.title
        widths = self.choose(width)
        if widths is None:
            yield from self._blocks(width)
        else:
            yield from self._table(width, widths)
        if self.legend:
            yield from wrap(Text(self.legend, style="dim"), width)

    def _table(self, width: int, widths: dict[int, int]) -> Iterable[Text]:
        shown = list(widths)
        extra = [i for i in range(len(self.columns)) if i not in widths]
        head = Text(style="bold")
        for n, i in enumerate(shown):
            if n:
                head.append(" ┃ ", style="not bold")
            head.append_text(self._pad(Text(self.columns[i].header), widths[i], self.columns[i].right))
        yield head
        yield Text("━╇━".join("━" * widths[i] for i in shown))
        for row in self.rows:
            wrapped = [wrap(row[i], widths[i]) if self.columns[i].role == "text"
                       else [row[i]] for i in shown]
            for k in range(max(len(lines) for lines in wrapped)):
                line = Text()
                for n, i in enumerate(shown):
                    if n:
                        line.append(GAP)
                    part = wrapped[n][k] if k < len(wrapped[n]) else Text()
                    line.append_text(self._pad(part, widths[i], self.columns[i].right))
                yield line
            if extra:
                yield from self._pairs(row, extra, width)

    def _blocks(self, width: int) -> Iterable[Text]:
        """One record per block: the identifying cells on the first line (each after the first
        labelled by its header, so two names never stand unexplained), the rest below."""
        keys = [i for i, c in enumerate(self.columns) if c.role == "key"]
        for row in self.rows:
            line = Text(style="bold")
            for n, i in enumerate(k for k in keys if row[k].plain):  # each identifying cell whole, on one line
                cell = row[i] if n == 0 else Text.assemble((self.columns[i].header + " ", "dim"), row[i])
                if line.plain and line.cell_len + 2 + cell.cell_len > width:
                    yield line
                    line = Text(style="bold")
                if line.plain:
                    line.append("  ")
                line.append_text(cell)
            yield from wrap(line, width)
            yield from self._pairs(row, [i for i in range(len(self.columns)) if i not in keys], width)

    def _pairs(self, row: list[Text], indices: list[int], width: int) -> Iterable[Text]:
        """The record's other cells on indented lines: "label value · label value"."""
        line = Text()
        for i in indices:
            if row[i].plain in ("", NONE):  # a cell with no value: left out of the second line
                continue
            if line.plain:
                line.append(JOIN, style="dim")
            line.append(self.columns[i].header + " ", style="dim")
            line.append_text(row[i])
        if not line.plain:
            return
        for part in wrap(line, width - len(INDENT)):
            yield Text(INDENT) + part

    @staticmethod
    def _pad(text: Text, width: int, right: bool) -> Text:
        room = width - text.cell_len
        if room <= 0:
            return text
        return (Text(" " * room) + text) if right else (text + Text(" " * room))

