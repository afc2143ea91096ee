"""`pingtai fill-forms` and `pingtai templates check|vars`: flags in, messages out.

The work is the library's: api/forms.py (read, check, select, write) and outputs/forms/
(planning, names, the atomic writer, rendering, PDF conversion).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pingtai_cli.cli import app, echo
from pingtai_cli.cli import options as opt
from pingtai_cli.core.deadline import (
    DOSSIER_TIMEOUT,  # not from outputs: `pingtai --help` imports this module
)
from pingtai_cli.core.errors import EXIT_FINDINGS, PingtaiError

templates_app = typer.Typer(
    no_args_is_help=True, help="表格模板：可用的变量，检查模板里的变量是否都有数据来源。"
)
app.add_typer(templates_app, name="templates")


def err(message: str) -> None:
    """A message for people on stderr, unwrapped (commands and URLs must stay copyable), with
    the control characters of dossier and template names made visible."""
    echo(message, err=True)


@app.command("fill-forms")
def fill_forms(
    dossiers: Annotated[list[Path], typer.Argument(help="申报材料文件夹或 .zip，可多个；或装有多个卷宗的文件夹")],
    jurisdiction: opt.Jurisdiction,
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录；每个申报平台一个子文件夹")],
    template_dir: Annotated[
        Path | None, typer.Option("--template-dir", help="自备模板目录（优先于内置模板）")
    ] = None,
    force: opt.Force = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 转换为 PDF")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="按哪一天检查卷宗是否符合条件（默认今天）")
    ] = None,
    rulesets_dir: opt.RulesetsDir = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="秒", help="读取单个卷宗、填写一张表格的时限（秒）")
    ] = DOSSIER_TIMEOUT,
    jobs: opt.Jobs = 1,
    include_all: Annotated[
        bool, typer.Option("--include-all", help="多个卷宗时，不符合条件、存在排除情形和重复申报的卷宗也列入")
    ] = False,
    survey_seed: Annotated[
        int | None, typer.Option("--survey-seed", metavar="N", help="抽取测评企业的随机种子（默认：检查日期，如 20260315）")
    ] = None,
    no_cache: opt.NoCache = False,
    quiet: opt.Quiet = False,
    scheduler: opt.Scheduler = None,
) -> None:
    """按所选地区的办法，用申报材料中的数据填写推荐表、申请报告等 Word 表格，并为每个卷宗出审核意见表（多个平台时另出汇总表）。

    没有表格模板的地区（自行添加的办法、未附表格的办法），按规则文件生成通用格式的推荐表、申请表和材料清单。

    多个卷宗时按结论排序（符合条件、待审核、材料不全），不符合条件、存在排除情形的卷宗不列入，同一申请单位的多份卷宗只列入结论最好的一份（结论相同时取后提交的一份），除非加 --include-all；未列入的卷宗也出审核意见表，写明原因。
    退出码 0 已生成；1 有卷宗无法读取而被跳过（其余照常生成）；2 无法执行。
    """
    from pingtai_cli.api.forms import fill_forms as fill
    from pingtai_cli.cli.commands.check import batch_options

    result = fill(
        dossiers,
        jurisdiction,
        out,
        template_dir=template_dir,
        force=force,
        pdf=pdf,
        include_all=include_all,
        survey_seed=survey_seed,
        **batch_options(as_of, rulesets_dir, timeout, jobs, scheduler, no_cache, quiet),
    )
    for p in result.written:
        echo(str(p))
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@templates_app.command("check")
def templates_check(
    directory: Annotated[Path, typer.Argument(help="模板目录（其中的 .docx 逐个检查）")],
) -> None:
    """列出每个模板中没有数据来源的变量（拼写错误、别处的模板）；有则退出码为 1。"""
    from pingtai_cli.outputs.forms.render import FormError, undeclared_variables

    if not directory.is_dir():
        raise PingtaiError(f"模板目录不存在：{directory}")
    files = sorted(p for p in directory.rglob("*.docx") if not p.name.startswith(("~$", ".")))
    if not files:
        raise PingtaiError(f"{directory} 中没有 .docx 模板。")
    bad = 0
    for path in files:
        rel = path.relative_to(directory)
        try:
            unknown = undeclared_variables(path)
        except FormError as e:
            echo(f"{rel}：无法检查：{e}")
            bad += 1
            continue
        if unknown:
            bad += 1
            echo(f"{rel}：没有数据来源的变量：{'、'.join(sorted(unknown))}")
        else:
            echo(f"{rel}：全部变量都有数据来源")
    if bad:
        err(f"{bad} 个模板有问题。可用的变量见 pingtai templates vars。")
        raise typer.Exit(EXIT_FINDINGS)


@templates_app.command("vars")
def templates_vars(
    jurisdiction: Annotated[
        str | None,
        typer.Option("--jurisdiction", "-j", help="同时列出该地区各表格模板应使用的文件名"),
    ] = None,
    rulesets_dir: opt.RulesetsDir = None,
) -> None:
    """列出模板可以使用的全部变量（含中文含义），以及各地区表格模板的文件名。"""
    from pingtai_cli.outputs.forms.render import variable_catalogue

    for name, meaning in variable_catalogue():
        typer.echo(f"{{{{ {name} }}}}\t{meaning}")
    if jurisdiction:
        from pingtai_cli.rules.schema import load_ruleset

        rs = load_ruleset(jurisdiction, rulesets_dir)
        typer.echo(f"\n{rs.name}的表格模板（放在 --template-dir 下，文件名二选一）：")
        for form in rs.forms:
            rel = form.template or f"{rs.key}/{form.id}.docx"
            typer.echo(f"{form.attachment} {form.name}：{rel} 或 {form.id}.docx")
