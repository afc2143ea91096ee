"""`pingtai cache …`: where extraction results are kept, and clearing them."""

from __future__ import annotations

import typer

from ..cli import app

cache_app = typer.Typer(no_args_is_help=True, help="提取结果缓存（OCR 等只做一次）。")
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def clear() -> None:
    """清空缓存。"""
    from .. import cache

    count, size = cache.clear()
    typer.echo(f"已清除 {count} 个缓存文件（{size / 1024:.0f} KB），位置：{cache.cache_dir()}")


@cache_app.command("info")
def info() -> None:
    """显示缓存位置与大小。"""
    from .. import cache

    count, size = cache.stats()
    typer.echo(f"缓存位置：{cache.cache_dir()}\n条目：{count}，大小：{size / 1024:.0f} KB")
