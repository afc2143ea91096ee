"""The options several commands share, declared once (Typer reads `Annotated` aliases).

A command whose option means something else (init's --force, fill-forms' --timeout) declares its
own; a shared option's help text is written for every command that uses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Jurisdiction = Annotated[
    str,
    typer.Option(
        "--jurisdiction", "-j", metavar="地区", help="地区键（pingtai rules list 列出全部，含 --rulesets-dir 中的）"
    ),
]
# the same key, where a command takes it as its argument (`rules show KEY`, `rules test KEY`)
JurisdictionKey = Annotated[str, typer.Argument(help="地区键（pingtai rules list 列出全部）。")]
RulesetsDir = Annotated[
    Path | None,
    typer.Option(
        "--rulesets-dir",
        metavar="目录",
        help="额外的规则目录（其中同名地区覆盖内置规则）",
        envvar="PINGTAI_RULESETS_DIR",
        file_okay=False,
    ),
]
Force = Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件")]
Jobs = Annotated[int, typer.Option("--jobs", min=1, metavar="N", help="并行进程数")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="不使用提取结果缓存")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度")]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="地址",
        help="在 Dask 分布式集群上读取卷宗，如 tcp://HOST:8786（需安装 pingtai\\[distributed]；卷宗须在各节点的同一路径）",
    ),
]
