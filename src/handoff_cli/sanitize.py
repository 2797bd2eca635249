"""The one sanitiser for text that came from data (../shared/DESIGN.md, "Trust boundaries").

A pull request's names, titles, reasons, schema titles, file names and git authors reach
terminals and CI logs. Nothing read may become an escape sequence there (ESC opens
`\\e[2J`, OSC 52 clipboard writes, hyperlinks...), nor start a line of its own that a CI
runner reads as a command (`::error`, `::add-mask::`...). So every C0 and C1 control
character, DEL, and the characters that reorder or break lines (bidi embeddings,
overrides and isolates; the Unicode line and paragraph separators) are *shown* as a
visible escape such as `\\u001b`, never written raw. And since the GitHub runner still
honours the legacy `##[command]` anywhere in a line (and Azure Pipelines `##vso[`), those
get a backslash after the bracket, as the runner does itself: `##[\\error]` is no command.

- `sanitize(text)` for one-line contexts (finding lines, warnings, errors, table cells,
  prompts): CR, LF and TAB become `\\r`, `\\n`, `\\t` as well, so one value is one line.
- `sanitize_block(text)` where a value may span lines (`show`'s values): LF and TAB stay,
  except a line break before a line that would begin with `::` (after any blanks, which
  the runner skips): that one is shown as `\\n`.

Text without such characters comes back unchanged (the same object). Markup is another
matter: rich output takes data as `rich.text.Text`, never as a markup string.
Light on purpose (`re` only, each pattern compiled when first used): `check` imports it
on every run.
"""

from __future__ import annotations

import re
from functools import cached_property

# ESC and every other C0 control, DEL and the C1 controls; bidi embeddings/overrides
# (U+202A–U+202E) and isolates (U+2066–U+2069); line/paragraph separators (U+2028/9).
_UNSAFE = [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F),
           *range(0x2066, 0x206A)]
_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}

_ONE_LINE = {code: _NAMED.get(code, f"\\u{code:04x}") for code in _UNSAFE}
_BLOCK = {code: escape for code, escape in _ONE_LINE.items() if code not in (0x09, 0x0A)}


class _Patterns:
    """The regular expressions, each compiled when first used."""

    @cached_property
    def one_line(self):  # anything `sanitize` changes
        return re.compile("[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]|##(?:vso)?\\[(?!\\\\)").search

    @cached_property
    def block(self):  # anything `sanitize_block` changes
        return re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]|##(?:vso)?\\[(?!\\\\)|\n\\s*::").search

    @cached_property
    def command_line(self):  # a line break before a line that would begin with `::`
        return re.compile(r"\n(?=\s*::)")

    @cached_property
    def legacy_command(self):  # `##[command]`, `##vso[command]` (not yet defused)
        return re.compile(r"##(?:vso)?\[(?!\\)")

    @cached_property
    def json(self):
        return re.compile("[\x7f-\x9f\u2028-\u202e\u2066-\u2069]|#(?=#(?:vso)?\\[)")

    @cached_property
    def json_bytes(self):
        return re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|#(?=#(?:vso)?\[)")


_P = _Patterns()


def _defused(text: str) -> str:
    return _P.legacy_command.sub(lambda found: found.group() + "\\", text) if "##" in text else text


def sanitize(value: object) -> str:
    """`value` as text for one line: every control character shown as a visible escape
    (CR, LF, TAB as `\\r`, `\\n`, `\\t`; the others as `\\u001b` and the like)."""
    text = value if isinstance(value, str) else str(value)
    return _defused(text.translate(_ONE_LINE)) if _P.one_line(text) else text


def sanitize_block(value: object) -> str:
    """`value` as text that may span lines: like `sanitize`, but LF and TAB stay (CR does
    not: a lone CR rewrites the line on a terminal), unless the next line would begin with
    `::`, a workflow command."""
    text = value if isinstance(value, str) else str(value)
    if not _P.block(text):
        return text
    return _defused(_P.command_line.sub(r"\\n", text.translate(_BLOCK)))


# JSON is for programs and must round-trip exactly, so it is never shown-escaped; json.dumps
# already writes C0 controls as \u escapes, and these are the rest: DEL, C1, the bidi and
# line-separator characters, and the `#` that would start `##[`. A JSON \u escape is
# the same text to any reader, and bytes a terminal or a CI runner cannot act on.


def json_safe(text: str) -> str:
    """JSON text with those characters as JSON escapes (inside strings, the only place they
    can be); the same JSON value."""
    return _P.json.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def json_safe_bytes(data):
    """`json_safe` for UTF-8 JSON held as bytes (or a memoryview, returned as it is when
    there is nothing to escape)."""
    if _P.json_bytes.search(data) is None:
        return data
    return _P.json_bytes.sub(lambda found: b"\\u%04x" % ord(found.group().decode()), bytes(data))
