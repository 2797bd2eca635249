"""The command line as a person meets it around the commands: help pages in the user's
language, usage mistakes as one clean line, and shell completion.

- Help is written here, not by the library: no type names (`<bool>`, `<str>`), the choices
  of an option shown, lines wrapped between words (Japanese between characters, never before
  a closing mark), each text looked up in the catalog when it is shown (`help.<command>`,
  `help.<command>.<option>`, `epilog.<command>`), so `HANDOFF_LANG=ja handoff new --help`
  is Japanese while the English comes from the command modules themselves.
- A usage mistake (an unknown option, a value that is not one of the choices, a missing
  argument) is one line in the user's language and exit 2; no library message or Python
  repr reaches the person.
- `--install-completion` / `--show-completion` (Typer's) for bash, zsh and fish; what is
  completed (commands, kinds, ids, drafts) comes from commands/options.py.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from typing import Any

import typer
from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from handoff_cli.errors import EXIT_USAGE

_exceptions = _click.exceptions


def _t(message_id: str, **params: Any) -> str:
    from handoff_cli.i18n import t

    return t(message_id, **params)


def _catalog(message_id: str, english: str | None) -> str | None:
    """The catalog's text for `message_id` in Japanese; the command module's own English text
    otherwise (the module is where the English is written and kept)."""
    from handoff_cli.i18n import has_message, language, t

    if language() == "ja" and has_message(message_id):
        return t(message_id)
    return english


# ---------------------------------------------------------------- usage mistakes

class UsageProblem(_exceptions.UsageError):
    """A usage mistake already worded in the user's language (exit 2)."""

    def __init__(self, message: str, hint: str | None = None, ctx=None):
        super().__init__(message, ctx)
        self.hint = hint


def _help_hint(ctx) -> str:
    return _t("usage.see_help", command=ctx.command_path if ctx is not None else "handoff")


def _flag(param) -> str:
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")] or list(getattr(param, "opts", ()))
    if isinstance(param, TyperArgument) or not opts:
        return _metavar_name(param)
    return opts[0]


def _bad_value(param, value: str) -> str:
    """`--format xml: choose one of: text, json, github`, in the user's language."""
    flag = _flag(param)
    choices = _choices(param)
    if choices:
        return _t("usage.bad_choice", flag=flag, value=value, values=", ".join(choices))
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if annotation is int:
        return _t("usage.bad_whole_number", flag=flag, value=value)
    if annotation is float:
        return _t("usage.bad_number", flag=flag, value=value)
    return _t("usage.bad_value", flag=flag, value=value)


def _worded_process_value(self, ctx, value):
    """A parameter's value, its mistakes worded here: a bad or missing value is one line that
    names the flag (or argument), what was given and what is expected."""
    try:
        return type(self).__mro__[1].process_value(self, ctx, value)
    except UsageProblem:
        raise
    except _exceptions.MissingParameter:
        raise UsageProblem(_t("usage.missing", name=_flag(self)), _help_hint(ctx), ctx) from None
    except _exceptions.BadParameter:
        given = value if not isinstance(value, (list, tuple)) else " ".join(map(str, value))
        raise UsageProblem(_bad_value(self, _shown(given)), _help_hint(ctx), ctx) from None


class WordedOption(TyperOption):
    __slots__ = ()
    process_value = _worded_process_value


class WordedArgument(TyperArgument):
    __slots__ = ()
    process_value = _worded_process_value




def _shown(value: Any) -> str:
    from handoff_cli.sanitize import sanitize

    return sanitize(str(value))


def _prepare(params: list) -> None:
    """Give every parameter its worded mistakes (once); the completion options their words."""
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = WordedOption
        elif type(param) is TyperArgument:
            param.__class__ = WordedArgument
        if param.name == "install_completion":
            param.callback = _install_completion
        elif param.name == "show_completion":
            param.callback = _show_completion


def _parse(command, ctx, args: list[str], parse):
    """Parse, turning the parser's own mistakes into one worded line."""
    try:
        return parse(ctx, args)
    except UsageProblem:
        raise
    except _exceptions.NoSuchOption as error:
        from handoff_cli.rules.validate import nearest

        meant = nearest(error.option_name, error.possibilities or []) if error.possibilities else None
        words = _t("usage.no_such_option.suggest", option=_shown(error.option_name), suggestion=meant) if meant \
            else _t("usage.no_such_option", option=_shown(error.option_name))
        raise UsageProblem(words, _help_hint(ctx), ctx) from None
    except _exceptions.BadOptionUsage as error:
        raise UsageProblem(_t("usage.needs_value", option=_shown(error.option_name)), _help_hint(ctx), ctx) from None
    except _exceptions.NoArgsIsHelpError:
        raise
    except _exceptions.UsageError:
        raise UsageProblem(_t("usage.unreadable"), _help_hint(ctx), ctx) from None


class HandoffCommand(TyperCommand):
    """A command: its help written here, its mistakes worded."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        _prepare(params)
        return params

    def parse_args(self, ctx, args):
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = _parse(self, ctx, args, super().parse_args)
        finally:
            ctx.allow_extra_args = allowed
        if ctx.args and not allowed:
            raise UsageProblem(_t("usage.extra_arguments", args=_shown(" ".join(ctx.args))), _help_hint(ctx), ctx)
        return rest

    def format_help(self, ctx, formatter) -> None:
        formatter.write(command_help(self, ctx))

    def get_short_help_str(self, limit: int = 45) -> str:
        return _first_sentence(_help_of(self))


class HandoffGroup(TyperGroup):
    """`handoff` itself: the commands, the help, and the one place a usage mistake becomes a line."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        _prepare(params)
        return params

    def parse_args(self, ctx, args):
        return _parse(self, ctx, args, super().parse_args)

    def resolve_command(self, ctx, args):
        name = args[0]
        if self.get_command(ctx, name) is None and not name.startswith("-") and not ctx.resilient_parsing:
            from handoff_cli.rules.validate import nearest

            meant = nearest(name, [n for n, c in self.commands.items() if not c.hidden])
            words = _t("usage.no_such_command.suggest", command=_shown(name), suggestion=meant) if meant \
                else _t("usage.no_such_command", command=_shown(name))
            raise UsageProblem(words, _t("usage.see_help", command=ctx.command_path), ctx)
        return _parse(self, ctx, args, super().resolve_command)

    def format_help(self, ctx, formatter) -> None:
        formatter.write(group_help(self, ctx))

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode: bool = True, **extra):
        try:
            code = super().main(args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False,
                                **extra)
        except _exceptions.NoArgsIsHelpError as error:  # `handoff` alone: the help, as a usage mistake
            sys.stderr.write(error.ctx.get_help() + "\n")
            code = EXIT_USAGE
        except UsageProblem as error:
            code = _say_usage(error.message, error.hint)
        except _exceptions.ClickException as error:  # anything else the library may raise
            ctx = getattr(error, "ctx", None)
            code = _say_usage(_t("usage.unreadable"), _help_hint(ctx))
        except typer.Abort:
            sys.stderr.write("\n" + _t("error.interrupted") + "\n")
            code = 130
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _say_usage(message: str, hint: str | None) -> int:
    sys.stderr.write(_t("error.prefix", message=message) + "\n")
    if hint:
        sys.stderr.write(_t("error.hint", hint=hint) + "\n")
    return EXIT_USAGE


# ---------------------------------------------------------------- shell completion

def _shell(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value
    try:
        from typer._completion_shared import _get_shell_name

        detected = _get_shell_name()
    except Exception:  # noqa: BLE001 - detection is a guess; $SHELL is the next one
        detected = None
    return detected or (os.path.basename(os.environ.get("SHELL", "")) or None)


_SHELLS = ("bash", "zsh", "fish")


def _completion_shell(ctx, value: Any) -> str:
    shell = _shell(value)
    if shell not in _SHELLS:
        raise UsageProblem(_t("completion.unknown_shell", shell=_shown(shell or "?"), shells=", ".join(_SHELLS)),
                           _t("completion.unknown_shell.hint"), ctx)
    return shell


def _show_completion(ctx, param, value):
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import get_completion_script

    prog_name = ctx.find_root().info_name or "handoff"
    complete_var = "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())
    sys.stdout.write(get_completion_script(prog_name=prog_name, complete_var=complete_var,
                                           shell=_completion_shell(ctx, value)) + "\n")
    raise typer.Exit(0)


def _install_completion(ctx, param, value):
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    shell, path = install(shell=_completion_shell(ctx, value), prog_name=ctx.find_root().info_name or "handoff")
    sys.stderr.write(_t("completion.installed", shell=shell, path=_shown(path)) + "\n")
    sys.stderr.write(_t("completion.restart") + "\n")
    raise typer.Exit(0)


# ---------------------------------------------------------------- help pages

_GROUP = "root"
_COMMON_OPTIONS = {"help": "help.option.help", "version": "help.option.version",
                   "install_completion": "help.option.install_completion",
                   "show_completion": "help.option.show_completion"}


def _key(ctx) -> str:
    return ctx.info_name if ctx.parent is not None else _GROUP


def _help_of(command, ctx=None) -> str:
    key = command.name if getattr(command, "name", None) and not isinstance(command, TyperGroup) else _GROUP
    return _catalog(f"help.{key}", command.help or "") or ""


def _first_sentence(text: str) -> str:
    first = text.strip().split("\n\n")[0].replace("\n", " ")
    match = re.match(r"(.+?[.。])(\s|$)", first)
    return (match.group(1) if match else first).strip()


def _choices(param) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not getattr(descriptor, "is_choice", False):
        return []
    return [str(getattr(c, "value", c)) for c in descriptor.choices or ()]


def _metavar_name(param, command_key: str | None = None) -> str:
    """An argument's or option's placeholder (`ID`, `FIELD=VALUE`, `DATE`), in the user's
    language: the one the command gives, else the catalog's for that option, else by type."""
    from handoff_cli.i18n import has_message, t

    if param.metavar:
        return _catalog(f"metavar.{param.metavar}", param.metavar) or param.metavar
    if command_key and has_message(f"metavar.{command_key}.{param.name}"):
        return t(f"metavar.{command_key}.{param.name}")
    if isinstance(param, TyperArgument):
        name = (param.name or "value").upper()
        return _catalog(f"metavar.{name}", name) or name
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    kind = "N" if annotation is int else "PATH" if getattr(param.type_descriptor, "is_path", False) else "TEXT"
    return t(f"metavar.{kind}")


def _option_label(param, command_key: str) -> str:
    """`-s, --set FIELD=VALUE`, `--prompt / --no-prompt`, `--format [text|json|github]`."""
    names = ", ".join(sorted(param.opts, key=lambda o: (o.startswith("--"), o)))
    if param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    if param.is_flag or param.count:
        return names
    choices = _choices(param)
    if choices:
        return f"{names} [{'|'.join(choices)}]"
    return f"{names} {_metavar_name(param, command_key)}"


def _argument_label(param, command_key: str | None = None) -> str:
    name = _metavar_name(param, command_key)
    return name + ("..." if param.nargs == -1 else "")


def _param_help(command_key: str, param) -> str:
    common = _COMMON_OPTIONS.get(param.name or "")
    key = common or f"help.{command_key}.{param.name}"
    english = param.help or ""
    text = _catalog(key, english) if (common is None or english) else english
    if common and (param.name == "help" or not text):
        text = _t(common)
    text = text or ""
    extras = []
    default = getattr(param, "default", None)
    default = getattr(default, "value", default)
    if _choices(param) and isinstance(default, str) and not param.required:
        extras.append(_t("help.default", value=default))
    if param.required:
        extras.append(_t("help.required"))
    return " ".join([text, *extras]).strip()


def _width() -> int:
    columns = shutil.get_terminal_size((100, 24)).columns
    return max(40, min(columns, 120))


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_CLOSING = "、。，．：；！？）」』】〕〉》”’ー…・"
_OPENING = "（「『【〔〈《“‘"


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(piece, a space before it): words stay whole; wide (Japanese) text may break between
    characters, but never before a closing mark nor after an opening one."""
    tokens: list[tuple[str, bool]] = []
    for match in re.finditer(r"(\s*)(\S+)", text):
        space, word = bool(match.group(1)), match.group(2)
        pieces: list[str] = []
        for char in word:
            if pieces and (not _WIDE.match(char) and not _WIDE.match(pieces[-1][-1]) or char in _CLOSING
                           or pieces[-1][-1] in _OPENING):
                pieces[-1] += char
            else:
                pieces.append(char)
        tokens += [(piece, space and i == 0) for i, piece in enumerate(pieces)]
    return tokens


def wrap(text: str, width: int, *, words_only: bool = False) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words (a word longer than the
    line stands alone rather than being cut); `words_only`: Japanese too only at spaces (a
    command line, whose quoted values must stay whole)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        tokens = [(m.group(2), bool(m.group(1))) for m in re.finditer(r"(\s*)(\S+)", paragraph)] if words_only \
            else _tokens(paragraph)
        for piece, space in tokens:
            joined = f"{line} {piece}" if space and line else line + piece
            if line and _cells(joined) > width:
                lines.append(line)
                line = piece
            else:
                line = joined
        lines.append(line)
    return lines


def _rows(rows: list[tuple[str, str]], width: int) -> list[str]:
    """Two columns: the label, and its help wrapped beside it (below it when the label is long)."""
    if not rows:
        return []
    limit = max(16, width // 3)
    left = min(max(_cells(label) for label, _ in rows), limit) + 2
    out = []
    for label, text in rows:
        wrapped = wrap(text, max(20, width - 2 - left)) if text else [""]
        if _cells(label) + 2 > left:
            out.append(f"  {label}")
            out += [" " * (2 + left) + line for line in wrapped if line]
        else:
            out.append(f"  {label}{' ' * (left - _cells(label))}{wrapped[0]}".rstrip())
            out += [" " * (2 + left) + line for line in wrapped[1:]]
    return out


def _paragraphs(text: str, width: int, indent: str = "  ") -> list[str]:
    """Text in paragraphs (blank lines between), each line kept as written and wrapped to `width`."""
    out: list[str] = []
    for paragraph in text.strip("\n").split("\n\n"):
        for line in paragraph.split("\n"):
            lead = re.match(r"\s*", line).group()
            command = line.strip().startswith("handoff ")  # an example: broken only between its words
            out += [indent + lead + piece
                    for piece in wrap(line.strip(), width - len(indent) - len(lead), words_only=command)]
        out.append("")
    return out[:-1]


def _usage(command, ctx) -> str:
    pieces = [ctx.command_path, _t("help.options_metavar")]
    if isinstance(command, TyperGroup):
        pieces.append(_t("help.command_metavar"))
    for param in command.get_params(ctx):
        if isinstance(param, TyperArgument):
            label = _argument_label(param, _key(ctx))
            pieces.append(label if param.required else f"[{label}]")
    return f"{_t('help.usage')} {' '.join(pieces)}"


def _sections(command, ctx, width: int) -> list[str]:
    key = _key(ctx)
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [(_argument_label(p, key), _param_help(key, p)) for p in params if isinstance(p, TyperArgument)]
    options = [(_option_label(p, key), _param_help(key, p)) for p in params if not isinstance(p, TyperArgument)]
    out: list[str] = []
    for title, rows in (("help.arguments", arguments), ("help.options", options)):
        if rows:
            out += ["", _t(title), *_rows(rows, width)]
    return out


def command_help(command, ctx) -> str:
    width = _width()
    out = [_usage(command, ctx), ""]
    out += _paragraphs(_help_of(command), width)
    out += _sections(command, ctx, width)
    epilog = _catalog(f"epilog.{command.name}", command.epilog)
    if epilog:
        out += [""] + _paragraphs(epilog, width)
    return "\n".join(out) + "\n"


def group_help(group, ctx) -> str:
    width = _width()
    out = [_usage(group, ctx), ""]
    out += _paragraphs(_help_of(group), width)
    out += _sections(group, ctx, width)
    commands = [(name, command.get_short_help_str()) for name, command in group.commands.items() if not command.hidden]
    if commands:
        out += ["", _t("help.commands"), *_rows(commands, width)]
    return "\n".join(out) + "\n"
