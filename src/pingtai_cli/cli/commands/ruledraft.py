"""`pingtai rules new | test | schema | keys`: adding a jurisdiction from its text.

`rules new` drafts a ruleset from a policy text (rules/scaffold.py, rules/draft.py), copies the
text beside it and writes synthesised rule cases; `rules test` runs a ruleset's cases
(api/rules.py); `rules schema` prints the JSON Schema of the ruleset format; `rules keys` lists
the fact and material keys a rule may use (rules/reference.py). This module parses flags and prints.
Heavy imports stay inside the commands (`pingtai --help` must stay fast).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pingtai_cli.cli import options as opt
from pingtai_cli.cli import rules_app
from pingtai_cli.cli.commands.rules import print_json, safe_cell


@rules_app.command("new")
def new(
    key: Annotated[str, typer.Argument(help="新地区的键（小写字母、数字、连字符），如 guangdong、xuchang-yuzhou。")],
    text: Annotated[Path, typer.Option("--text", help="认定办法原文（.txt，UTF-8 或 GBK）。", dir_okay=False)],
    extends: Annotated[str | None, typer.Option("--extends", help="继承的上级规则（如县继承市）：只起草本文件与上级不同之处。")] = None,
    out_dir: Annotated[Path, typer.Option("--dir", "-o", help="写入的文件夹（之后用 --rulesets-dir 指向它）。", file_okay=False)] = Path("."),
    prefix: Annotated[str | None, typer.Option("--prefix", help="规则编号前缀（2–4 个大写字母），默认由键生成。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的同名文件。")] = False,
    rulesets_dir: opt.RulesetsDir = None,
) -> None:
    """由办法原文起草规则文件：条件、门槛、条文与原文引文、材料、表格、期限、放宽与排除条款，全部标为草稿（status: draft）。"""
    from pingtai_cli.api.rules import new_ruleset
    from pingtai_cli.rules.scaffold import draft_summary

    written = new_ruleset(key, text, extends=extends, out_dir=out_dir, prefix=prefix, force=force,
                          rulesets_dir=rulesets_dir)
    typer.echo(draft_summary(written))


# ---------------------------------------------------------------- test


@rules_app.command("test")
def test_cases(
    key: opt.JurisdictionKey,
    rulesets_dir: opt.RulesetsDir = None,
) -> None:
    """运行规则文件夹中 cases.yaml（或平铺布局 cases/<键>.yaml）的用例：每条规则在给定数据下应得的结果。不通过时退出码 1。"""
    from pingtai_cli.api.rules import run_ruleset_cases

    run = run_ruleset_cases(key, rulesets_dir)
    if not run.found:
        typer.echo(f"{key}：没有用例文件（{run.cases_path}）。")
        raise typer.Exit(1)
    for f in run.failures:
        typer.echo(f"不通过 {f.code} {f.name}：应为 {f.expected}，实际 {f.got}")
    failed = len(run.failures)
    typer.echo(f"{key}：用例 {run.total} 条，通过 {run.total - failed} 条，不通过 {failed} 条。")
    if failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------- schema and keys


@rules_app.command("schema")
def schema() -> None:
    """打印规则文件的 JSON Schema（编辑器据此补全与检查字段；同一份随包发布在 pingtai_cli/schemas/ruleset.schema.json）。"""
    from pingtai_cli.rules.reference import schema_text

    sys.stdout.write(schema_text())


@rules_app.command("keys")
def keys(
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", "-j", help="同时列出该地区规则文件声明的键。")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table 或 json。")] = "table",
    rulesets_dir: opt.RulesetsDir = None,
) -> None:
    """列出规则可用的事实字段（field）和材料键（key）：申请表字段、推导字段、运营情况表列、材料目录。"""
    from pingtai_cli.core.errors import PingtaiError
    from pingtai_cli.rules.reference import key_rows
    from pingtai_cli.rules.schema import load_ruleset

    if fmt not in ("table", "json"):
        raise PingtaiError(f"--format 应为 table 或 json，而不是 {fmt!r}")
    rows = key_rows([load_ruleset(jurisdiction, rulesets_dir)] if jurisdiction else [])
    if fmt == "json":
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    for title, head, cols in (("事实字段（field）", ["键", "申请表标签", "类型", "单位", "来源"], ["key", "label", "type", "unit", "origin"]),
                              ("运营情况表的列（facts[].ratio 可用）", ["键", "表头"], ["key", "label"]),
                              ("材料键（materials[].key）", ["键", "名称", "来源"], ["key", "name", "origin"])):
        table = Table(title=title, title_justify="left")
        for h in head:
            table.add_column(h, overflow="fold")
        key = {"事": "facts", "运": "yearly_columns", "材": "materials"}[title[0]]
        for row in rows[key]:
            table.add_row(*[safe_cell(row.get(c) or "") for c in cols])
        console.print(table)
