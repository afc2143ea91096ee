"""`pingtai rules list | show | explain | kinds | validate`: the encoded regulations, shown to a person.

Only typer is imported at module level; everything else is imported inside the
commands so that `pingtai --help` stays fast. `rules list` reads ruleset
headers with libyaml and never imports pydantic (see rules/files.py).
The work is api/rules.py's; the rows and Markdown are outputs/ruleviews.py's; this module
parses flags and prints (rich tables for the terminal).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from pingtai_cli.cli import echo, printable, rules_app
from pingtai_cli.cli import options as opt

AsOf = Annotated[str | None, typer.Option("--as-of", help="判断是否现行所依据的日期（YYYY-MM-DD），默认今天。")]
# `--format` of list, show and explain (each command its own choices: FormatFlag goes with its enum)
FormatFlag = typer.Option("--format", "-f", help="输出格式。")


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class ShowFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class ExplainFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _as_of(text: str | None) -> date:
    from pingtai_cli.core.dates import parse_as_of

    return parse_as_of(text)


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def safe_cell(text: object, style: str = "") -> Any:
    """A table cell or line from a ruleset (a user's file is untrusted): rich Text, so `[red]` is
    not markup, with control and bidi characters made visible, as every terminal line is."""
    from rich.text import Text

    return Text(printable("" if text is None else text), style=style)


def print_json(data: Any) -> None:
    import json  # here: --help registers this module and never prints JSON (~1 ms)

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _printed_as_document(fmt: str, data: dict[str, Any], to_markdown: Callable[[dict[str, Any]], str]) -> bool:
    """Print `data` as JSON or Markdown when that is the format asked for; False leaves the terminal view to the caller."""
    if fmt == "json":
        print_json(data)
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(data))
    else:
        return False
    return True


# ---------------------------------------------------------------- list

# how `rules list`'s columns share the terminal's width (the headings: outputs/ruleviews.LIST_HEAD)
_LIST_LAYOUT: tuple[dict[str, Any], ...] = (
    {"no_wrap": True},
    {"overflow": "fold", "ratio": 3},
    {"overflow": "fold", "ratio": 2},
    {"no_wrap": True},
    {"overflow": "fold", "ratio": 2},
    {"no_wrap": True},
)


@rules_app.command("list")
def list_rulesets(
    fmt: Annotated[ListFormat, FormatFlag] = ListFormat.table,
    rulesets_dir: opt.RulesetsDir = None,
    as_of: AsOf = None,
) -> None:
    """列出可用的地区规则：文件、文号、发布机关、层级、日期、是否现行、规则数。"""
    from pingtai_cli.api.rules import list_rulesets as summaries

    on = _as_of(as_of)
    rows = summaries(rulesets_dir, on)
    if fmt is ListFormat.json:
        print_json(rows)
        return
    from rich import box
    from rich.table import Table

    from pingtai_cli.outputs.ruleviews import LIST_HEAD, list_row

    table = Table(title=f"可用的认定办法（{on.isoformat()}）", box=box.SIMPLE_HEAD, expand=True)
    for head, layout in zip(LIST_HEAD, _LIST_LAYOUT, strict=True):
        table.add_column(head, **layout)
    for r in rows:
        cells, invalid = list_row(r)  # a ruleset's words are Text, never markup
        table.add_row(*(safe_cell(c, style="red" if invalid and i == 1 else "") for i, c in enumerate(cells)))
    _console().print(table)


# ---------------------------------------------------------------- show


@rules_app.command("show")
def show(
    key: opt.JurisdictionKey,
    fmt: Annotated[ShowFormat, FormatFlag] = ShowFormat.table,
    rulesets_dir: opt.RulesetsDir = None,
    as_of: AsOf = None,
) -> None:
    """列出一个地区的全部规则：基本条件、服务功能、排除情形、材料、表格、程序、放宽条款、解读。"""
    from pingtai_cli.api.rules import show_ruleset
    from pingtai_cli.outputs.ruleviews import render_show_markdown, show_groups, show_title

    o = show_ruleset(key, rulesets_dir, as_of)  # the ruleset first, then the date, as before
    if _printed_as_document(fmt, o, render_show_markdown):
        return
    from rich.table import Table

    console = _console()
    console.print(safe_cell(show_title(o), style="bold"))
    for title, head, rows in show_groups(o):
        table = Table(title=title, title_justify="left", title_style="bold cyan", expand=False)
        for h in head:
            table.add_column(h, overflow="fold")
        for row in rows:
            table.add_row(*(safe_cell(c) for c in row))
        if not rows:
            table.add_row("（无）", *[""] * (len(head) - 1))
        console.print(table)


# ---------------------------------------------------------------- explain


@rules_app.command("explain")
def explain(
    code: Annotated[str, typer.Argument(help="规则编号，如 NA-B03、XC-M05、SG-P01、HL-R01。")],
    fmt: Annotated[ExplainFormat, FormatFlag] = ExplainFormat.text,
    rulesets_dir: opt.RulesetsDir = None,
    as_of: AsOf = None,
) -> None:
    """解释一条规则：检查什么、依据条文（含原文全文）、合格与不合格示例、如何整改、解读。"""
    from pingtai_cli.api.rules import explain_rule
    from pingtai_cli.outputs.ruleviews import (
        explain_sections,
        explain_title,
        render_explain_markdown,
    )

    e = explain_rule(code, rulesets_dir, _as_of(as_of))
    if _printed_as_document(fmt, e, render_explain_markdown):
        return

    console = _console()
    say = partial(console.print, soft_wrap=True)  # the terminal folds Chinese anywhere; rich would break at spaces
    say(safe_cell(explain_title(e), style="bold"))
    say(safe_cell(e["document"], style="dim"))
    for head, body in explain_sections(e):
        console.print()
        say(safe_cell(head, style="bold cyan"))
        for line in body:
            say(safe_cell("  " + line, style="bold" if line.startswith("▶ ") else ""))


# ---------------------------------------------------------------- kinds


@rules_app.command("kinds")
def kinds(
    name: Annotated[str | None, typer.Argument(help="检查类型，如 threshold、any_of；省略时列出全部。")] = None,
    fmt: Annotated[ExplainFormat, typer.Option("--format", "-f", help="输出格式（一种类型的说明：text 与 markdown 相同）。")] = ExplainFormat.text,
) -> None:
    """检查类型的说明（如 `ruff rule`）：检查什么、字段、示例（由测试运行核对）、读法。"""
    from pingtai_cli.outputs.ruleviews import render_kind, render_kinds_list
    from pingtai_cli.rules import kinds as registry

    if name is None:
        if fmt == "json":
            print_json(registry.listing())
        elif fmt == "markdown":
            sys.stdout.write(registry.table())
        else:
            sys.stdout.write(render_kinds_list(registry.listing()))
        return
    doc = registry.documentation(registry.get(name))
    if fmt == "json":
        print_json(doc)
    else:
        sys.stdout.write(render_kind(doc))


# ---------------------------------------------------------------- validate


@rules_app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="要校验的规则文件（YAML）。", exists=False)],
    rulesets_dir: opt.RulesetsDir = None,
) -> None:
    """校验规则文件：结构、字段、编号、引用；有问题逐行列出（文件:行: 字段: 原因），退出码 2。"""
    from pingtai_cli.api import validate_ruleset

    failed = 0
    for path in files:
        if path.name.startswith("_"):  # _index.yaml and the like: not a ruleset
            echo(f"{path}：跳过（以 _ 开头的文件不是规则文件）")
            continue
        checked = validate_ruleset(path, rulesets_dir)
        problems, warnings, rs = checked.problems, checked.warnings, checked.ruleset
        for w in warnings:
            echo(w)
        if problems:
            failed += 1
            for p in problems:
                echo(p)
            continue
        assert rs is not None  # no problems: validate_file returns the ruleset it loaded
        typer.echo(
            f"{path}：有效 — {rs.name}（{rs.key}），条件 {len(rs.all_rules())} 条，"
            f"材料 {len(rs.materials)} 项，表格 {len(rs.forms)} 项，程序 {len(rs.procedure)} 项"
            + (f"，继承 {rs.extends}" if rs.extends else "")
        )
    if failed:
        typer.echo(f"{failed} 个文件未通过校验。", err=True)
        raise typer.Exit(2)
