"""The one layout of terminal tables (output/layout.py): wrapping and choosing columns."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console

from handoff_cli.output.layout import Column, FitTable, wrap


def _lines(renderable, width: int) -> list[str]:
    console = Console(width=width, file=open("/dev/null", "w"), no_color=True)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get().splitlines()


def test_wrap_breaks_latin_between_words_and_japanese_between_characters():
    lines = [line.plain for line in wrap("scheduling integration 在庫連携アダプタ。初回受注", 12)]
    assert lines[:2] == ["scheduling", "integration"]
    assert all(cell_len(line) <= 12 for line in lines)
    assert not any(line.startswith(("。", "、", "）")) for line in lines)  # closing punctuation stays up
    assert "".join(lines[2:]) == "在庫連携アダプタ。初回受注"


def test_wrap_folds_only_a_word_wider_than_the_line():
    assert [line.plain for line in wrap("a " + "x" * 25, 10)] == ["a", "x" * 10, "x" * 10, "x" * 5]


def test_a_table_that_fits_is_a_plain_table_and_one_that_does_not_keeps_its_keys_whole():
    columns = [Column("id", "key"), Column("person", "key"), Column("title", "text", priority=1),
               Column("state", priority=0), Column("created", priority=2)]
    rows = [("20261118-w1c6fa", "高橋 誠", "Keller Pumps: 12 retrofit control panels", "awaiting outcome",
             "2026-11-18")]
    wide = _lines(FitTable(columns, rows), 120)
    assert len(wide) == 3 and "2026-11-18" in wide[2] and "Keller Pumps: 12 retrofit control panels" in wide[2]
    narrow = _lines(FitTable(columns, rows), 60)
    assert all(cell_len(line) <= 60 for line in narrow)
    assert "20261118-w1c6fa │ 高橋 誠 │ awaiting outcome │ 2026-11-18" in narrow[2]
    assert narrow[3] == "    title Keller Pumps: 12 retrofit control panels"  # too narrow for 20 cells: below
    tiny = _lines(FitTable(columns, rows), 20)  # even the keys do not fit: one block per record
    assert tiny[:2] == ["20261118-w1c6fa", "person 高橋 誠"]  # a key after the first says what it is
    assert all(cell_len(line) <= 20 for line in tiny)
