"""One exception root and the exit codes it maps to.

Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 environment problem.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3


class HandoffError(Exception):
    """Root of every error the project raises on purpose; `message` and `hint` are in the
    user's language (i18n)."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class UserError(HandoffError):
    """Expected failure caused by input: bad arguments, unknown id, bad config."""


class ConfigError(UserError):
    """`.handoff.yaml` or a custom schema is unusable."""


class UnknownKind(UserError):
    pass


class IdNotFound(UserError):
    pass


class AmbiguousId(UserError):
    def __init__(self, message: str, candidates: list[str], hint: str | None = None):
        super().__init__(message, hint)
        self.candidates = candidates


class UnreadableFile(UserError):
    """A file refused before it is read (documents/files.py): its message says why."""


class LinkedFile(UnreadableFile):
    """The file is a symbolic link; links are never followed."""


class NotRegularFile(UnreadableFile):
    """The file is a pipe, socket, device or folder: opening or reading it could block or never end."""


class FileTooLarge(UnreadableFile):
    """The file is larger than the limit it is read with."""


class InvalidDocument(HandoffError):
    """A document failed validation; carries the findings. Exit 1."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, findings: list, note: str | None = None):
        super().__init__(message)
        self.findings = findings
        self.note = note  # e.g. where the draft was kept


class EnvironmentProblem(HandoffError):
    """Something about the environment (git, clone depth) prevents the work. Exit 3."""

    exit_code = EXIT_ENVIRONMENT


class GitError(EnvironmentProblem):
    """git could not answer (exit 3 unless a subclass says otherwise)."""


class GitMissing(GitError):
    """git is not installed or not on PATH."""


class NotARepository(GitError):
    """The folder is not inside a git repository."""


class UnknownRevision(GitError):
    """A ref given by the user (e.g. `--changed-since main`) does not exist here. Exit 2."""

    exit_code = EXIT_USAGE
