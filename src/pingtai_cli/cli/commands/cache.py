"""`pingtai cache …`: where extraction results are kept, and clearing them."""

from __future__ import annotations

from typing import Annotated

import typer

from pingtai_cli.cli import app

cache_app = typer.Typer(no_args_is_help=True, help="提取结果缓存（OCR 等只做一次）。")
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def clear(
    older_than: Annotated[
        float | None,
        typer.Option("--older-than", min=0, metavar="天数", help="只清除这么多天未用过的条目"),
    ] = None,
) -> None:
    """清空缓存（或只清除久未使用的条目）。"""
    from pingtai_cli.intake import cache

    count, size = cache.clear(older_than)
    typer.echo(f"已清除 {count} 个缓存文件（{size / 1024:.0f} KB），位置：{cache.cache_dir()}")


@cache_app.command("info")
def info() -> None:
    """显示缓存位置与大小。"""
    from pingtai_cli.intake import cache

    count, size = cache.stats()
    typer.echo(
        f"缓存位置：{cache.cache_dir()}\n条目：{count}，大小：{size / 1024:.0f} KB\n"
        f"超过 {cache.RETENTION_DAYS} 天未用的条目会在检查时自动清除（每天至多一次）；"
        "也可用 pingtai cache clear 立即清除，或检查时加 --no-cache 不留缓存。"
    )
