"""`pingtai init DIR --jurisdiction KEY`: a dossier skeleton an applicant fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pingtai_cli.cli import app, echo, err
from pingtai_cli.cli import options as opt


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="要创建的申报材料文件夹（应为空或不存在）")],
    jurisdiction: Annotated[
        str,
        typer.Option(
            "--jurisdiction",
            "-j",
            help="地区键（pingtai rules list 列出全部），或 --rulesets-dir 中规则文件的键",
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="申报日期 YYYY-MM-DD（默认今天），决定“近三年”“上一年度”"),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="文件夹不为空时仍写入：只覆盖 init 生成的三个文件，不删除其他文件"
        ),
    ] = False,
    rulesets_dir: opt.RulesetsDir = None,
) -> None:
    """创建申报材料文件夹：申请表.xlsx（按本地区条件列出各填报项）、材料清单.md、README.txt。"""
    from pingtai_cli.api import init_dossier

    made = init_dossier(directory, jurisdiction, as_of=as_of, force=force, rulesets_dir=rulesets_dir)
    skeleton, written, shipped = made.skeleton, made.written, made.shipped
    if not skeleton.in_force:
        err(f"注意：{skeleton.document}在 {skeleton.as_of.isoformat()} 不在有效期内。")
    if skeleton.materials_note is not None:
        err(
            f"注意：该办法未列出申报材料（{skeleton.materials_note_article}），以当年申报通知为准，见 材料清单.md。"
        )
    for path in written:
        echo(f"已创建 {path}")
    where = "" if shipped else f" --rulesets-dir {rulesets_dir}"  # else check cannot find it
    echo(f"填写后自查：pingtai check {directory} --jurisdiction {jurisdiction}{where}")
