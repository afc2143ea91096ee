"""The Typer app: the only place that prints to the terminal or exits.

Commands live in `commands/` (one module each) and register themselves on `app`.
Nothing heavy is imported at start-up: `pingtai --help` must stay fast.
"""

from __future__ import annotations

import codecs
import gc
import re
import signal
import sys
from typing import Any

import typer

from pingtai_cli.core.errors import EXIT_USAGE, PingtaiError, os_reason

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="中小企业公共服务示范平台认定：申报材料自查、推荐表填写、多地政策对比。",
)
rules_app = typer.Typer(no_args_is_help=True, help="认定办法的规则文件：查看（条件、条文、原文），由原文起草新地区、校验、运行用例。")
app.add_typer(rules_app, name="rules")


def _register() -> None:
    """Import command modules so they attach to `app`; each keeps heavy imports inside functions."""
    from pingtai_cli.cli.commands import ruledraft, rules  # noqa: F401

    for name in ("compare", "check", "forms", "init", "cache"):
        try:
            __import__(f"{__package__}.commands.{name}")
        except ModuleNotFoundError as e:  # a command module not written yet
            if e.name != f"{__package__}.commands.{name}":
                raise


# Control characters (ESC sequences retitle or recolour a terminal, BEL rings it) and bidi
# overrides (U+202E turns `fdp.exe` around) in names from a dossier are shown, not obeyed.
# Compiled on first use (re caches it): ~5 M instructions that --help and most commands never need.
_UNSAFE_FOR_TERMINAL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def printable(text: object) -> str:
    """Text safe to write to a terminal: control and bidi characters made visible (\\x1b)."""
    return re.sub(_UNSAFE_FOR_TERMINAL, lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", str(text))


def echo(message: object, err: bool = False) -> None:
    """typer.echo of a line that may hold dossier text, made printable."""
    typer.echo(printable(message), err=err)


def err(message: str) -> None:
    """Messages for people go to stderr so stdout stays machine-readable."""
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(printable(message), markup=False, highlight=False)  # the terminal folds CJK lines itself


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP (kill, a service manager, a dropped SSH session): stopped as Ctrl-C is,
    so every cleanup that runs on Ctrl-C (temp files, workers) runs for these too."""


_received: list[int] = []  # the signal that stopped the command, for its exit status 128 + n


def _on_signal(signum: int, _frame: Any) -> None:
    if _received:  # a second signal must not cut the cleanup of the first short
        return
    _received.append(signum)
    raise Interrupted(signum)


def _stop_on_signals() -> None:
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, _on_signal)


def _interrupted_status() -> int:
    return 128 + (_received[0] if _received else signal.SIGINT)


# What a console that is not UTF-8 (cp936/GBK on Chinese Windows) cannot show is written as a
# near symbol, else '?': the whole report is printed instead of an UnicodeEncodeError.
FALLBACK_SYMBOLS = {
    "✔": "√", "✓": "√", "✘": "×", "✗": "×", "⚠": "！", "◎": "○", "·": "・", "…": "...",
    "—": "-", "–": "-", "│": "|", "─": "-", "┃": "|", "━": "-", "•": "*", "≥": ">=", "≤": "<=",
}


def _fallback(e: UnicodeError) -> tuple[str, int]:
    if not isinstance(e, UnicodeEncodeError):
        raise e
    bad = e.object[e.start : e.end]
    out = []
    for ch in bad:
        sub = FALLBACK_SYMBOLS.get(ch, "?")
        try:
            sub.encode(e.encoding)
        except UnicodeEncodeError:
            sub = "?"
        out.append(sub)
    return "".join(out), e.end


codecs.register_error("pingtai-fallback", _fallback)


def json_for_stream(text: str, stream: Any) -> str:
    """JSON text the stream can encode: what it cannot is written as \\uXXXX escapes (valid JSON,
    the same data), not as the fallback symbols meant for people."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    out = []
    for ch in text:
        try:
            ch.encode(encoding)
            out.append(ch)
        except (UnicodeEncodeError, LookupError):
            data = ch.encode("utf-16-be", "surrogatepass")
            out.extend(f"\\u{int.from_bytes(data[i:i + 2], 'big'):04x}" for i in range(0, len(data), 2))
    return "".join(out)


class _ClosedStream:
    """Stands for a standard stream the caller closed (`>&-`): writing to it is a usage error."""

    encoding = "utf-8"

    def __init__(self, name: str, complain: bool) -> None:
        self.name, self.complain = name, complain

    def write(self, text: str) -> int:
        if self.complain and text:
            raise PingtaiError(f"{self.name}已关闭，无法输出结果（请不要用 >&- 关闭它，或用 --output 写入文件）。")
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


def _prepare_streams() -> None:
    """Closed streams become stand-ins; a stream that cannot encode everything falls back."""
    if sys.stderr is None:
        sys.stderr = _ClosedStream("标准错误输出", complain=False)
    if sys.stdout is None:
        sys.stdout = _ClosedStream("标准输出", complain=True)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            if codecs.lookup(encoding).name.startswith("utf-") or not hasattr(stream, "reconfigure"):
                continue
            stream.reconfigure(errors="pingtai-fallback")
        except (LookupError, ValueError, OSError):
            continue


def main() -> None:
    # What was imported to get here (typer, rich, ...) lives as long as the process: out of the
    # collector's sight it is not traversed by every older-generation collection (~40 M
    # instructions of a cold check, 2 % of it); garbage made later is collected as before.
    gc.freeze()
    _prepare_streams()
    _stop_on_signals()
    try:
        _register()
        from pingtai_cli.cli.lazy import lazy_command, light_rich_utils

        light_rich_utils()  # typer's help renderer, without the markdown and traceback modules it never uses here
        lazy_command(app)()  # as app() does, building only the command that runs
    except PingtaiError as e:
        err(f"错误：{e}")
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        err("已中断。")
        sys.exit(_interrupted_status())
    except SystemExit as e:  # Typer turns Ctrl-C into a silent exit 130
        if e.code == 130:
            err("已中断。")
            sys.exit(_interrupted_status())
        raise
    except OSError as e:  # a path the system refuses (name too long, no permission, not a folder)
        where = f"：{e.filename}" if e.filename else ""
        err(f"错误：无法访问文件或文件夹{where}（{os_reason(e)}）")
        sys.exit(EXIT_USAGE)
    except Exception as e:  # last line of defence: never a traceback for a user
        err(f"内部错误：{type(e).__name__}: {e}\n请把此信息和命令报告给 pingtai 开发者。")
        sys.exit(EXIT_USAGE)
