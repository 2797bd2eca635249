"""One file's bytes, read once, and its parse: the fast C loader first, the positional
reader (line and column for every finding) when needed."""

from __future__ import annotations

from pathlib import Path

from handoff_cli.documents import reading
from handoff_cli.documents.files import read_regular
from handoff_cli.errors import UnreadableFile


class Source:
    """A file's bytes, read once, and its parse: fast first, with positions when needed."""

    def __init__(self, path: Path, fast: bool):
        self.path = path
        try:
            self.data: bytes | None = read_regular(path, reading.MAX_FILE_BYTES)
        except (UnreadableFile, OSError) as error:  # a link, a pipe, too large, gone: a finding at 1:1
            message = error.message if isinstance(error, UnreadableFile) else error.strerror or str(error)
            self.data = None
            self.parsed = reading.ParsedYaml(None, [reading.YamlProblem(message, reading.Position(1, 1))])
            self.positional = True
            return
        ok, value = reading.fast_load(self.data) if fast else (False, None)
        self.positional = not ok
        self.parsed = reading.ParsedYaml(value) if ok else reading.parse_bytes(self.data)

    def validated(self, check):
        """`check(parsed)`'s findings, re-reading with positions when there are any."""
        result = check(self.parsed)
        findings = result[0] if isinstance(result, tuple) else result
        if findings and not self.positional:
            self.parsed, self.positional = reading.parse_bytes(self.data), True
            result = check(self.parsed)
        return result
