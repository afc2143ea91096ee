"""`pingtai check PATH... --jurisdiction KEY`: verdicts and gap reports, one dossier or a whole intake."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pingtai_cli.cli import app, echo
from pingtai_cli.cli import options as opt
from pingtai_cli.cli.formats import format_for
from pingtai_cli.core.errors import PingtaiError


class Fmt(StrEnum):
    terminal = "terminal"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"


# Each limit flag: the Limits field it sets, how many of the field's units one of the flag's is
# (sizes are given in MB, pixels in millions), and the largest value it takes: past it a value is
# a typo, and sizes that large overflow the reads they bound.
LIMIT_FLAGS: dict[str, tuple[str, int, int]] = {
    "--max-files": ("max_files", 1, 1_000_000),
    "--max-pages": ("max_pages", 1, 1_000_000),
    "--max-file-mb": ("max_file_bytes", 2**20, 4096),
    "--max-total-mb": ("max_total_bytes", 2**20, 65536),
    "--max-ocr-pages": ("max_ocr_total", 1, 1_000_000),
    "--max-megapixels": ("max_pixels", 1_000_000, 1000),
}


def limits_from(given: Mapping[str, int | None]) -> Any:
    """The limit flags' values, by flag → dossier.Limits (defaults kept for flags not given)."""
    changes = {}
    for flag, value in given.items():
        if value is None:
            continue
        field, scale, most = LIMIT_FLAGS[flag]
        if value > most:
            raise PingtaiError(f"{flag} 最大为 {most}，收到 {value}")
        changes[field] = value * scale
    if not changes:
        return None
    from dataclasses import replace

    from pingtai_cli.intake.limits import Limits

    return replace(Limits(), **changes)


def run_batch(paths: list[Path], job: Any, quiet: bool, encode_json: bool = False) -> list[Any]:
    """Check every dossier, with progress on stderr when there are several.

    A terminal gets a live bar; anything else (a log, a pipe, cron) plain lines. With
    `encode_json` (several dossiers, JSON output) the workers make each result's JSON.
    """
    from pingtai_cli.api import batch

    dossiers = batch.announce(paths, job, lambda m: echo(m, err=True))
    job.encode_json = encode_json and len(dossiers) > 1
    job.json_only = job.encode_json and quiet  # no summary: nothing read but the JSON and verdicts
    if len(dossiers) > 1 and not quiet and sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(transient=True, console=_stderr()) as bar:
            task = bar.add_task(f"检查 {len(dossiers)} 份卷宗", total=len(dossiers))
            return batch.check_all(dossiers, job, lambda p: bar.advance(task))
    if len(dossiers) > 1 and not quiet:
        from pingtai_cli.core.progress import PlainProgress

        with PlainProgress(len(dossiers)) as lines:
            return batch.check_all(dossiers, job, lines.finished, lines.started)
    return batch.check_all(dossiers, job)


def batch_options(
    as_of: str | None,
    rulesets_dir: Path | None,
    timeout: float | None,
    jobs: int,
    scheduler: str | None,
    no_cache: bool,
    quiet: bool,
    encode_json: bool = False,
) -> dict[str, Any]:
    """The batch flags `check` and `fill-forms` share, as the Python API's keywords (check_batch,
    fill_forms take them alike): the day and rules checked against, the time limit, workers,
    cluster and cache; and how the CLI runs the batch, progress and messages on stderr."""
    return {
        "as_of": as_of,
        "rulesets_dir": rulesets_dir,
        "timeout": timeout,
        "jobs": jobs,
        "scheduler": scheduler,
        "use_cache": not no_cache,
        "say": lambda message: echo(message, err=True),
        "run": lambda paths, job: run_batch(paths, job, quiet, encode_json),
    }


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True)


SUFFIX_FORMATS = {
    ".json": Fmt.json,
    ".jsonl": Fmt.jsonl,
    ".md": Fmt.markdown,
    ".markdown": Fmt.markdown,
    ".html": Fmt.html,
    ".htm": Fmt.html,
    ".xlsx": Fmt.xlsx,
    ".txt": Fmt.terminal,
}


def emit(results: list[Any], fmt: Fmt, output: Path | None, force: bool, verbose: bool, lang: str) -> None:
    """Machine output alone on stdout (or in --output); the terminal report when no format is asked."""
    from pingtai_cli.outputs.report import render
    from pingtai_cli.outputs.writer import write_output

    if fmt is Fmt.terminal and output is None:
        from rich.console import Console

        from pingtai_cli.outputs.report.terminal import print_results

        print_results(Console(), results, verbose=verbose, lang=lang)
        return
    data = render(results, fmt.value, verbose=verbose, lang=lang)
    if output is not None:
        write_output(output, data, force=force)
        echo(f"已写入 {output}", err=True)
    elif isinstance(data, bytes):
        raise PingtaiError(f"--format {fmt.value} 需要 --output 文件名。")
    else:
        if fmt in (Fmt.json, Fmt.jsonl):
            from pingtai_cli.cli import json_for_stream

            data = json_for_stream(data, sys.stdout)
        elif fmt is Fmt.html and not _utf8(sys.stdout):
            data = data.encode("ascii", "xmlcharrefreplace").decode("ascii")  # the page says UTF-8
        sys.stdout.write(data if data.endswith("\n") else data + "\n")


def _utf8(stream: Any) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="卷宗文件夹、.zip，或装有多个卷宗的文件夹")],
    jurisdiction: opt.Jurisdiction,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="日期", help="检查日期 YYYY-MM-DD（默认今天）")] = None,
    fmt: Annotated[Fmt | None, typer.Option("--format", "-f", metavar="格式", help="terminal / json / jsonl / markdown / html / xlsx（默认按 --output 的扩展名，否则 terminal）")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="文件", help="写入文件（不覆盖已有文件，除非 --force）")] = None,
    force: opt.Force = False,
    jobs: opt.Jobs = 1,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="显示证据细节与全部条目")] = False,
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help="报告语言 zh / en")] = "zh",
    no_cache: opt.NoCache = False,
    rulesets_dir: opt.RulesetsDir = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.1, metavar="秒", help="单个卷宗的时限（秒），默认 300 秒"),
    ] = None,
    max_files: Annotated[int | None, typer.Option("--max-files", min=1, metavar="N", help="每个卷宗最多读取的文件数")] = None,
    max_pages: Annotated[int | None, typer.Option("--max-pages", min=1, metavar="N", help="每个 PDF 最多读取的页数")] = None,
    max_file_mb: Annotated[int | None, typer.Option("--max-file-mb", min=1, metavar="N", help="单个文件大小上限 MB （压缩包成员按解压后计）")] = None,
    max_total_mb: Annotated[int | None, typer.Option("--max-total-mb", min=1, metavar="N", help="每个卷宗读取的文件总大小上限 MB （解压后）")] = None,
    max_ocr_pages: Annotated[int | None, typer.Option("--max-ocr-pages", min=0, metavar="N", help="每个卷宗文字识别（OCR）的页数上限")] = None,
    max_megapixels: Annotated[int | None, typer.Option("--max-megapixels", min=1, metavar="N", help="单张图片或渲染页面的像素上限 （百万像素）")] = None,
    quiet: opt.Quiet = False,
    scheduler: opt.Scheduler = None,
) -> None:
    """检查申报卷宗：是否符合条件、缺什么、怎么改。退出码 0 全部符合，1 有不符合/不完整，2 无法执行。"""
    from pingtai_cli.api import check_batch
    from pingtai_cli.rules.schema import load_ruleset

    load_ruleset(jurisdiction, rulesets_dir)  # unknown jurisdiction → exit 2 before any reading
    fmt = format_for(fmt, output, SUFFIX_FORMATS, Fmt.terminal)
    if fmt is Fmt.xlsx and output is None:
        raise PingtaiError("--format xlsx 需要 --output 文件名，例如 --output 汇总.xlsx")
    if output is not None and output.exists() and not force:
        raise PingtaiError(f"输出文件已存在：{output}（使用 --force 覆盖）")
    if output is not None:
        from pingtai_cli.outputs.writer import refuse_inside

        refuse_inside(output, paths)  # a report inside a dossier would be read as its material
    from pingtai_cli.core.deadline import check_seconds

    timeout = check_seconds(timeout)
    limits = limits_from({
        "--max-files": max_files,
        "--max-pages": max_pages,
        "--max-file-mb": max_file_mb,
        "--max-total-mb": max_total_mb,
        "--max-ocr-pages": max_ocr_pages,
        "--max-megapixels": max_megapixels,
    })
    json_out = fmt in (Fmt.json, Fmt.jsonl)
    checked = check_batch(
        paths,
        jurisdiction,
        limits=limits,
        **batch_options(as_of, rulesets_dir, timeout, jobs, scheduler, no_cache, quiet, encode_json=json_out),
    )
    results = checked.results
    if results:
        emit(results, fmt, output, force, verbose, lang)
    if len(results) > 1 and not quiet:
        from pingtai_cli.outputs.report.terminal import print_summary

        print_summary(_stderr(), results, lang=lang)
    if not no_cache:
        from pingtai_cli.intake import cache

        cache.sweep()  # applicants' data does not stay in the cache for ever
    raise typer.Exit(checked.exit_code)
