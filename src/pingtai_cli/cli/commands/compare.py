"""`pingtai compare-jurisdictions [KEY ...]`: the regulations side by side, in five formats.

The comparison is built as data (pingtai_cli.outputs.comparison) and rendered by
report/comparison.py; this module only chooses, prints or writes. To add rows
(a dossier's verdict under every jurisdiction): `cmp = build(keys, dir)`, append
`Row`s to `cmp.rows`, then `emit(cmp, fmt, output, force)`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pingtai_cli.cli import app, echo
from pingtai_cli.cli import options as opt
from pingtai_cli.cli.formats import format_for


class CompareFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


SUFFIX_FORMATS = {
    ".xlsx": CompareFormat.xlsx,
    ".csv": CompareFormat.csv,
    ".json": CompareFormat.json,
    ".md": CompareFormat.markdown,
    ".markdown": CompareFormat.markdown,
    ".txt": CompareFormat.table,
}


def build(keys: list[str], rulesets_dir: Path | None) -> Any:
    """The Comparison for the given keys (all available when none), in the order given."""
    from pingtai_cli.api import compare_jurisdictions

    return compare_jurisdictions(keys, rulesets_dir=rulesets_dir)


def emit(cmp: Any, fmt: CompareFormat, output: Path | None, force: bool) -> None:
    """Print to stdout, or write `output` atomically (never over a file without --force)."""
    from pingtai_cli.core.errors import PingtaiError
    from pingtai_cli.outputs.report.comparison import render

    rendered = render(cmp, fmt.value)
    if fmt is CompareFormat.table:
        from rich.console import Console

        if output is None:
            Console(highlight=False).print(rendered)
            return
        import io

        recorder = Console(record=True, width=200, file=io.StringIO())
        recorder.print(rendered)
        rendered = recorder.export_text()
    if output is None:
        if isinstance(rendered, bytes):
            raise PingtaiError("xlsx 格式需要用 --output 指定输出文件，例如 --output 对比.xlsx")
        if fmt is CompareFormat.json:
            from pingtai_cli.cli import json_for_stream

            rendered = json_for_stream(rendered, sys.stdout)
        sys.stdout.write(rendered)
        return
    from pingtai_cli.outputs.writer import write_output

    write_output(output, rendered, force=force)
    echo(f"已写入 {output}", err=True)


@app.command("compare-jurisdictions")
def compare_jurisdictions(
    keys: Annotated[list[str] | None, typer.Argument(help="要对比的地区键（默认全部；pingtai rules list 列出可用的键）。")] = None,
    fmt: Annotated[CompareFormat | None, typer.Option("--format", "-f", help="输出格式（默认按 --output 的扩展名，否则 table）。")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件（xlsx 必须指定）。")] = None,
    force: opt.Force = False,
    rulesets_dir: opt.RulesetsDir = None,
    dossier: Annotated[Path | None, typer.Option("--dossier", "-d", help="同一卷宗在各地的结论与差距（卷宗文件夹或 .zip）。")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="检查日期 YYYY-MM-DD（默认今天），与 --dossier 同用。")] = None,
) -> None:
    """各地认定条件对比：条件为行、地区为列，每格为门槛值及条文，标出最严、最宽与差异。"""
    fmt = format_for(fmt, output, SUFFIX_FORMATS, CompareFormat.table)
    cmp = build(keys or [], rulesets_dir)
    if dossier is not None:
        if output is not None:
            from pingtai_cli.outputs.writer import refuse_inside

            refuse_inside(output, [dossier])
        add_dossier(cmp, dossier, as_of, rulesets_dir)
    emit(cmp, fmt, output, force)


def add_dossier(cmp: Any, path: Path, as_of: str | None, rulesets_dir: Path | None) -> None:
    """Check the dossier once under every column's ruleset and put verdicts and gaps on top."""
    from pingtai_cli.api import add_dossier as add
    from pingtai_cli.outputs.comparison import summary_line

    results = add(cmp, path, as_of=as_of, rulesets_dir=rulesets_dir)
    echo(summary_line(results), err=True)
