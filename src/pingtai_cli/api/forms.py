"""`fill_forms`: an intake's Word/Excel forms filled from its dossiers, as `pingtai fill-forms` does.

The dossiers are read and checked through the batch machinery (workers, time limits, the
extraction cache, duplicates), kept in verdict order, and the forms planned, written whole or
not at all, and optionally converted to PDF (outputs/forms/fill.py). Messages for people go to
`say` (the CLI: stderr); nothing here imports Typer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from pingtai_cli.api.batch import BATCH_TIMEOUT, Job, _errors, announce, check_all, discover
from pingtai_cli.core.dates import as_of_date
from pingtai_cli.core.deadline import check_seconds
from pingtai_cli.core.errors import EXIT_FINDINGS, DossierError, PingtaiError, os_reason
from pingtai_cli.core.models import CheckResult, Dossier
from pingtai_cli.engine.duplicates import applicant_keys
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.intake.cache import enabled
from pingtai_cli.outputs.forms import fill
from pingtai_cli.outputs.forms.fill import DOSSIER_TIMEOUT, Say, _quiet
from pingtai_cli.rules.schema import load_ruleset

Runner = Callable[[list[Path], Job], list[CheckResult]]  # paths → results (the CLI adds progress)


@dataclass
class FilledForms:
    """What a run wrote (in the order the CLI prints it) and the exit code it stands for."""

    written: list[Path] = field(default_factory=list)
    exit_code: int = 0  # 1 (EXIT_FINDINGS): a dossier could not be read and was skipped


def load_dossier(path: Path) -> Dossier:
    from pingtai_cli.intake.dossier import read_dossier

    return read_dossier(path)


def read_and_check(
    path: Path,
    job: Any,
    seed: int | None = None,
    template_dir: Path | None = None,
    render: bool = False,
    seen: set[str] | None = None,
) -> list[CheckResult]:
    """fill-forms' batch task: the dossier read through the extraction cache, checked, and kept,
    with what its forms need (and its 测评 sample, drawn with `seed`); with `render`, its own forms
    rendered ahead from what it can know (fill.premade), within what is left of its time limit.
    `seen`: the applicants this process has checked in the run (engine.duplicates.applicant_keys),
    whose copies get a duplicate finding later, so that what it says is not rendered ahead.

    Module-level, so that the batch's workers (and remote ones) can run it.
    """
    started = time.monotonic()
    try:
        with enabled(job.use_cache):
            dossier = load_dossier(path)
    except DossierError as e:
        return _errors(path, job, str(e))
    out = []
    for key in job.jurisdictions:
        rs = load_ruleset(key, job.rulesets_dir)
        result = evaluate(dossier, rs, job.as_of)
        result.source = dossier
        result.form_parts = fill.form_parts(dossier, result, rs, seed)
        if render and seed is not None:  # a quarter of what is left, so a slow form never costs the dossier
            left = (job.timeout or BATCH_TIMEOUT) - (time.monotonic() - started)
            keys = applicant_keys(result)
            copy = seen is not None and bool(keys & seen)
            if seen is not None:
                seen |= keys
            with enabled(job.use_cache):  # a form a run before rendered is taken from the cache
                result.form_parts["premade"] = fill.premade(dossier, result, rs, template_dir, seed, left / 4, copy)
        out.append(result)
    return out


def fill_forms(
    dossiers: Sequence[str | Path],
    jurisdiction: str,
    out: str | Path,
    *,
    template_dir: Path | None = None,
    force: bool = False,
    pdf: bool = False,
    as_of: date | str | None = None,
    rulesets_dir: Path | None = None,
    timeout: float = DOSSIER_TIMEOUT,
    jobs: int = 1,
    include_all: bool = False,
    survey_seed: int | None = None,
    use_cache: bool = True,
    scheduler: str | None = None,
    say: Say = _quiet,
    run: Runner | None = None,
) -> FilledForms:
    """Fill the jurisdiction's forms for the dossiers into `out` (one folder per applicant).

    Raises PingtaiError (with its exit code) when nothing can be done; a dossier that cannot be
    read is skipped, said, and makes the exit code 1.
    """
    rs = load_ruleset(jurisdiction, rulesets_dir)
    if template_dir is not None and not template_dir.is_dir():
        raise PingtaiError(f"模板目录不存在：{template_dir}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PingtaiError(f"输出路径不是文件夹：{out}")
    out = out.resolve()
    timeout = check_seconds(timeout) or DOSSIER_TIMEOUT
    when = as_of_date(as_of)
    seed = survey_seed if survey_seed is not None else int(when.strftime("%Y%m%d"))
    limit = None if timeout == DOSSIER_TIMEOUT else timeout  # None: the batch's own 300 s, in-process for one
    # A partial of a module-level function still pickles. The forms are rendered ahead by local
    # workers only: a cluster's worker runs tasks in threads, where a render's time limit cannot
    # act and its memory limit would bound every task of the process.
    task = partial(read_and_check, seed=seed, template_dir=template_dir, render=scheduler is None, seen=set())
    job = Job([rs.key], when, rulesets_dir, None, use_cache, limit, jobs, task=task, scheduler=scheduler)
    if scheduler is not None:  # while the cluster checks; this process renders every form
        job.meanwhile = partial(fill.prepare_templates, rs, template_dir, open_them=True)
    paths = fill.given([Path(p) for p in dossiers], out, say)  # refuses an --out inside a dossier
    fill.check_writable(out)  # so its probe file never lands in one
    planned, _ = discover(paths)  # the dossiers' names, to refuse an overwrite before reading any
    names = fill.folder_names(planned)
    if not force and out.is_dir():  # knowing the names parses the templates: not on a --force run's path
        with enabled(use_cache):  # what a template reads is in the cache since its first run
            files = fill.planned_files(rs, template_dir, several=len(planned) > 1)
        fill.check_planned(out, files, list(names.values()), force=force, pdf=pdf)
    if scheduler is None:  # before the workers fork: each renders its dossiers' forms with them
        with enabled(use_cache):
            fill.prepare_templates(rs, template_dir)
    results = run(paths, job) if run is not None else check_all(announce(paths, job, say), job)
    failed = [r for r in results if r.error or r.source is None]
    for r in failed:
        say(f"跳过无法读取的卷宗：{r.error}")
    failed_any = bool(failed or job.missing_paths)
    entries = [(Path(r.dossier), r) for r in results if not (r.error or r.source is None)]
    if not entries:
        raise PingtaiError("没有可读取的卷宗，未生成任何表格。")
    for path, r in entries:
        if r.source is not None:
            for line in fill.problem_lines(path, r.source) + fill.verdict_lines(path, r, rs):
                say(line)
    chosen = fill.select(entries, include_all)
    for line in chosen.said:
        say(line)
    if not chosen.listed:
        say("没有可列入的卷宗，未生成推荐表和汇总表，只生成审核意见表（加 --include-all 列入全部卷宗）。")
    entries = chosen.listed
    read = [(path, r.source) for path, r in entries if r.source is not None]
    todo, notes = fill.plan(
        read,
        rs,
        out,
        template_dir,
        [r for _, r in entries],
        seed,
        marks=chosen.marks,
        left_out=chosen.left_out,
        folders=names,
    )
    for note in notes:
        say(note)
    generic: list[Path] = []
    if read and not any(job.owner for job in todo):  # no form of the text has a template: never write nothing
        generic = fill.generic_jobs(read, rs, out, when, force=force, say=say, folders=names)
    if not todo and not generic:
        say("没有可生成的表格。")
        return FilledForms([], EXIT_FINDINGS if failed_any else 0)
    fill.check_outputs(todo, out, force=force, pdf=pdf)
    folders = fill.new_folders(out, todo)
    existed = {p for job in todo for p in job.outputs(pdf) if p.exists()}
    written: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        with enabled(use_cache):  # the forms a run before rendered are taken from the cache
            fill.write_jobs(todo, out, written, timeout, jobs if scheduler is None else 1)
    except BaseException as e:
        fill.undo(written, existed, folders)  # no half run, no empty folders (a full disk, Ctrl-C)
        if isinstance(e, OSError):
            raise PingtaiError(f"无法创建输出目录 {e.filename or out}（{os_reason(e)}）") from e
        raise
    for line in fill.blank_report(todo) + fill.survey_lines(todo):
        say(line)
    if pdf:
        written += fill.pdfs(todo, say)
    return FilledForms(generic + written, EXIT_FINDINGS if failed_any else 0)
