"""Invoke the Typer app in-process the way the console script runs it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from pingtai_cli import cli
from pingtai_cli.core.errors import PingtaiError


def invoke(*args: str) -> Result:
    """Run `pingtai ARGS`; a PingtaiError becomes its exit code, as `cli.main` does.

    COLUMNS is wide so that rich tables do not fold the words the tests look for.
    """
    cli._register()
    res = CliRunner().invoke(cli.app, list(args), env={"COLUMNS": "300"})
    if isinstance(res.exception, PingtaiError):
        res.exit_code = res.exception.exit_code
    return res


def ok(*args: str) -> str:
    """Run `pingtai ARGS`, assert it exits 0 and return what it printed."""
    res = invoke(*args)
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


def report_texts(out: Path, *args: str) -> dict[str, str]:
    """`pingtai check ARGS` as markdown, html and xlsx (every cell's text), written under `out`."""
    from openpyxl import load_workbook

    markdown = invoke("check", *args, "-f", "markdown").stdout
    invoke("check", *args, "-f", "html", "-o", str(out / "r.html"))
    invoke("check", *args, "-f", "xlsx", "-o", str(out / "r.xlsx"))
    cells = [str(c.value) for ws in load_workbook(out / "r.xlsx").worksheets for row in ws.iter_rows() for c in row if c.value]
    return {"markdown": markdown, "html": (out / "r.html").read_text(encoding="utf-8"), "xlsx": "\n".join(cells)}
