"""Start-up of the Typer app: build only the command that runs, and keep typer's help light.

Typer turns every registered command into a click command (evaluating each signature's
annotations and building every option) before it parses the command line: ~40 ms for
pingtai's twenty commands, spent again on every run. `lazy_command(app)` gives the same click
group, but each command in it is built when it is run or asked for its own help; a group's
help lists the others from their names and help texts alone, which is all it shows of them.

Typer's help renderer (typer.rich_utils) imports rich.markdown (markdown-it, pygments) and
rich.traceback (rich.pretty, attrs) at its top, for the "markdown" markup mode and for pretty
tracebacks: ~100 ms, and pingtai uses neither. `light_rich_utils()` has typer.rich_utils
imported (when typer first needs it) with those two names bound to stand-ins that import the
real class when first used, so the help is rendered by typer's own code, unchanged. Two more
costs of ~3 ms each go the same way: fractions (rich.table imports it for rich's Layout alone)
and rich's emoji table (typer parses help markup with emoji codes on; pingtai's have none).
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import importlib.machinery
import sys
import types
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_command_name, solve_typer_info_defaults
from typer.models import CommandInfo, TyperInfo

try:  # typer vendors click from 0.23 on; the base classes above are what it builds either way
    from typer import _click as click
except ImportError:  # pragma: no cover - an older typer
    import click  # type: ignore[no-redef]


class LazyGroup(TyperGroup):
    """A TyperGroup whose commands are built from their Typer definitions when one is resolved.

    Until then each name maps to a stand-in with the command's name and help texts (what a
    group's help shows of it); `resolve_command`, which click calls to run a command or show
    its help, swaps the stand-in for the command typer builds.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.builders: dict[str, Callable[[], click.Command]] = {}

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, cmd, rest = super().resolve_command(ctx, args)
        if name in self.builders:
            cmd = self.commands[name] = self.builders.pop(name)()
        return name, cmd, rest


def lazy_command(app: typer.Typer) -> click.Command:
    """What `typer.main.get_command(app)` returns, with the commands built on first use."""
    if app._add_completion or (len(app.registered_commands) == 1 and not app.registered_groups):
        return typer.main.get_command(app)  # a shape typer builds otherwise: keep its own path
    settings = {
        "pretty_exceptions_short": app.pretty_exceptions_short,
        "rich_markup_mode": app.rich_markup_mode,
    }
    return _lazy_group(TyperInfo(app), settings, app.suggest_commands)


def _lazy_group(info: TyperInfo, settings: dict[str, Any], suggest: bool) -> TyperGroup:
    source = info.typer_instance
    assert source is not None
    shell = copy.copy(source)  # the group's own options and texts, none of its commands
    shell.registered_commands, shell.registered_groups = [], []
    shell_info = copy.copy(info)
    shell_info.typer_instance = shell
    if solve_typer_info_defaults(info).cls is not None:
        return typer.main.get_group_from_info(info, suggest_commands=suggest, **settings)
    shell_info.cls = LazyGroup
    group = typer.main.get_group_from_info(shell_info, suggest_commands=suggest, **settings)
    assert isinstance(group, LazyGroup)
    for command_info in source.registered_commands:
        name, stand_in = _command_stand_in(command_info, settings)
        group.commands[name] = stand_in
        group.builders[name] = partial(get_command_from_info, command_info, **settings)
    for sub_info in source.registered_groups:
        solved = solve_typer_info_defaults(sub_info)
        if not solved.name:  # typer merges an unnamed sub-app's commands in: build it now
            sub = typer.main.get_group_from_info(sub_info, suggest_commands=suggest, **settings)
            group.commands.update(sub.commands)
            continue
        group.commands[solved.name] = TyperGroup(
            name=solved.name,
            help=solved.help,
            short_help=solved.short_help,
            hidden=solved.hidden,
            deprecated=solved.deprecated,
            rich_help_panel=solved.rich_help_panel,
            rich_markup_mode=settings["rich_markup_mode"],
        )
        group.builders[solved.name] = partial(_lazy_group, sub_info, settings, suggest)
    return group


def _command_stand_in(info: CommandInfo, settings: dict[str, Any]) -> tuple[str, TyperCommand]:
    """The name and help texts typer gives the command (as in typer.main.get_command_from_info)."""
    import inspect

    assert info.callback is not None
    name = info.name or get_command_name(info.callback.__name__)
    text = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
    return name, TyperCommand(
        name=name,
        help=text,
        short_help=info.short_help,
        hidden=info.hidden,
        deprecated=info.deprecated,
        rich_help_panel=info.rich_help_panel,
        rich_markup_mode=settings["rich_markup_mode"],
    )


# (module, class) imported by typer.rich_utils at its top that pingtai's help never uses; and
# fractions, imported at the top of rich._ratio (rich.table) for the Layout class alone (~3 ms).
DEFERRED = (("rich.markdown", "Markdown"), ("rich.traceback", "Traceback"), ("fractions", "Fraction"))


def light_rich_utils() -> None:
    """Have typer.rich_utils imported with the classes in DEFERRED standing in, when typer first
    imports it: to render a help or an error. A command that shows neither (a check) never
    imports the renderer (~7 ms: rich.table, rich.panel, rich.columns)."""
    if "typer.rich_utils" not in sys.modules and _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


@contextlib.contextmanager
def _stand_ins() -> Iterator[None]:
    placed = []
    for module, name in DEFERRED:
        if module not in sys.modules:
            stand_in = types.ModuleType(module)
            setattr(stand_in, name, _deferred(module, name))
            sys.modules[module] = stand_in
            placed.append((module, stand_in))
    try:
        yield
    finally:
        for module, stand_in in placed:
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]


class _RichUtilsFinder:
    """Finds typer.rich_utils as the path finder does, with a loader that runs it among the stand-ins.

    The finder and loader protocols, not importlib.abc's classes: importing importlib.abc costs
    `--help` ~2 ms (importlib.resources, tempfile)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "typer.rich_utils":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _AmongStandIns(spec.loader)  # type: ignore[assignment]  # a Loader by protocol
        return spec


class _AmongStandIns:
    def __init__(self, real: Any) -> None:
        self.real = real

    def create_module(self, spec: Any) -> Any:
        return self.real.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        if _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)  # found once: the module stays in sys.modules
        module.__loader__ = self.real  # tracebacks and inspect read the source through it
        if module.__spec__ is not None:
            module.__spec__.loader = self.real
        with _stand_ins():
            self.real.exec_module(module)
        _chinese_help(module)


def _chinese_help(rich_utils: types.ModuleType) -> None:
    """typer's Text and Panel made to set Chinese help as Chinese is set, and without emoji codes.

    - rich breaks a line only at spaces and cuts a longer run with “…”: `写入文件（不覆盖已有文 …`
      lost the rest of the sentence in a narrow terminal. HelpText breaks between wide characters
      too, never before a closing mark nor after an opening one (outputs/report/wrap.py), and
      measures its narrowest width by those break points, so the table gives it a fair column.
    - Help markup is parsed without emoji codes: rich's emoji table (~4,000 names, ~3 ms to load)
      is otherwise read on every help, and pingtai's help texts hold no `:name:`.
    """
    from rich.cells import cell_len
    from rich.containers import Lines
    from rich.measure import Measurement

    from pingtai_cli.core.linebreak import cuts, widest_piece

    text: Any = getattr(rich_utils, "Text")  # noqa: B009  # a module given at run time
    panel: Any = getattr(rich_utils, "Panel")  # noqa: B009

    class HelpText(text):  # a class given at run time
        __slots__ = ()  # rich's Text layout, so a parsed Text can become one

        @classmethod
        def from_markup(cls, markup: str, **kwargs: Any) -> Any:
            kwargs.setdefault("emoji", False)
            parsed = text.from_markup(markup, **kwargs)
            parsed.__class__ = cls
            return parsed

        def copy(self) -> Any:  # typer's highlighter copies the text it is given
            copied = super().copy()
            copied.__class__ = type(self)
            return copied

        def wrap(self, console: Any, width: int, *, justify: Any = None, overflow: Any = None,
                 tab_size: int = 8, no_wrap: Any = None) -> Any:
            if no_wrap or (no_wrap is None and self.no_wrap) or overflow == "ignore":
                return super().wrap(console, width, justify=justify, overflow=overflow,
                                    tab_size=tab_size, no_wrap=no_wrap)
            how: Any = overflow or self.overflow or "fold"
            lines = Lines()
            for line in self.split(allow_blank=True):
                offsets = cuts(line.plain, max(1, width))
                pieces = line.divide(offsets) if offsets else Lines([line])
                for piece in pieces:
                    piece.rstrip()
                    piece.truncate(width, overflow=how)
                lines.extend(pieces)
            return lines

        def __rich_measure__(self, console: Any, options: Any) -> Any:
            plain = self.plain
            widest = max((cell_len(p) for p in plain.splitlines()), default=0)
            return Measurement(min(widest_piece(plain), widest), widest)

    class HelpPanel(panel):
        def __init__(self, *args: Any, title: Any = None, **kwargs: Any) -> None:
            if isinstance(title, str):
                title = HelpText.from_markup(title)
            super().__init__(*args, title=title, **kwargs)

    rich_utils.Text, rich_utils.Panel = HelpText, HelpPanel  # type: ignore[attr-defined]


_FINDER = _RichUtilsFinder()


class _Deferred(type):
    """A stand-in class: instances, class attributes and isinstance go to the real class."""

    _where: tuple[str, str]

    def real(cls) -> type:
        module, name = cls._where
        return getattr(importlib.import_module(module), name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.real()(*args, **kwargs)

    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__"):  # typing and copy probe dunders: not a use of the class
            raise AttributeError(attr)
        return getattr(cls.real(), attr)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls.real())


def _deferred(module: str, name: str) -> type:
    return _Deferred(name, (), {"_where": (module, name), "__module__": module})
