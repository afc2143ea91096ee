"""The Typer app: the only place that prints to the terminal or exits.

Commands live in `commands/` (one module each) and register themselves on `app`.
Nothing heavy is imported at start-up: `pingtai --help` must stay fast.
"""

from __future__ import annotations

import sys

import typer

from .errors import EXIT_USAGE, PingtaiError, os_reason

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="中小企业公共服务示范平台认定：申报材料自查、推荐表填写、多地政策对比。",
)
rules_app = typer.Typer(no_args_is_help=True, help="查看已编码的认定办法：条件、条文、原文。")
app.add_typer(rules_app, name="rules")


def _register() -> None:
    """Import command modules so they attach to `app`; each keeps heavy imports inside functions."""
    from .commands import ruledraft, rules  # noqa: F401

    for name in ("compare", "check", "forms", "init", "cache"):
        try:
            __import__(f"{__package__}.commands.{name}")
        except ModuleNotFoundError as e:  # a command module not written yet
            if e.name != f"{__package__}.commands.{name}":
                raise


def err(message: str) -> None:
    """Messages for people go to stderr so stdout stays machine-readable."""
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(message, markup=False, highlight=False)  # the terminal folds CJK lines itself


def main() -> None:
    _register()
    try:
        app()
    except PingtaiError as e:
        err(f"错误：{e}")
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        err("已中断。")
        sys.exit(130)
    except SystemExit as e:  # Typer turns Ctrl-C into a silent exit 130
        if e.code == 130:
            err("已中断。")
        raise
    except OSError as e:  # a path the system refuses (name too long, no permission, not a folder)
        where = f"：{e.filename}" if e.filename else ""
        err(f"错误：无法访问文件或文件夹{where}（{os_reason(e)}）")
        sys.exit(EXIT_USAGE)
    except Exception as e:  # last line of defence: never a traceback for a user
        err(f"内部错误：{type(e).__name__}: {e}\n请把此信息和命令报告给 pingtai 开发者。")
        sys.exit(EXIT_USAGE)
