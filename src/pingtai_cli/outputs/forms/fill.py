"""Filling an intake's forms: which forms for which dossier (plan), safe names, the atomic
writer, rendering in worker processes with an undo, and the LibreOffice PDF conversion.

The library half of `pingtai fill-forms` (api.fill_forms runs it; cli/commands/forms.py only
parses flags and prints). Outputs never leave `out`, never overwrite without `force`, and appear
whole or not at all (each file is written under a temporary name and renamed). Names taken from
dossier data are sanitised. Heavy imports stay inside the functions.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pingtai_cli.core.deadline import (
    DOSSIER_TIMEOUT as DOSSIER_TIMEOUT,  # re-exported for api/forms
)
from pingtai_cli.core.errors import OutputExists, PingtaiError, os_reason
from pingtai_cli.core.files import flush_written, is_inside, probe_writable, write_atomic

if TYPE_CHECKING:
    from pingtai_cli.core.models import CheckResult, Dossier
    from pingtai_cli.rules.schema import Form, Ruleset


NAME_MAX = 60  # characters of a file or folder name made from dossier data
PDF_TIMEOUT = 120  # seconds for one LibreOffice run (one folder of forms)
COMMON_SUMMARY = "_common/summary.docx"
COMMON_SUMMARY_NAME = "申报汇总表"
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/\\:*?"<>|]')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
INSTALL_HINT = (
    "未找到 LibreOffice（soffice 命令），无法转换为 PDF；.docx 已照常生成。\n"
    "安装方法：Debian/Ubuntu 执行 sudo apt-get install libreoffice-writer；"
    "其他系统请从 https://www.libreoffice.org 下载安装，然后重新运行本命令并加 --pdf。"
)


Say = Callable[[str], None]  # where a message for people goes (the CLI: stderr)


def _quiet(message: str) -> None:
    """The default `say`: the Python API collects nothing unless asked."""


# ---------------------------------------------------------------- names and paths


def safe_name(text: str, fallback: str) -> str:
    """A file or folder name from untrusted text: no separators, `..`, control chars; capped."""
    name = _UNSAFE_CHARS.sub("_", text)
    name = re.sub(r"\.{2,}", "_", name).strip(" ._\u3000")
    name = name[:NAME_MAX].strip(" ._\u3000")
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    return name or fallback


def _dossier_stem(path: Path) -> str:
    name = path.name or path.resolve().name
    return name[:-4] if name.lower().endswith(".zip") else name


# ---------------------------------------------------------------- what to write


@dataclass
class Job:
    """One form to render: its template, data and target (.docx; .xlsx beside it for summaries)."""

    title: str
    template: Path
    context: dict[str, Any]
    target: Path
    xlsx: bool = False
    owner: str | None = None  # the dossier whose blanks this form reports
    blanks: list[str] = field(default_factory=list)
    # (blanks, .docx bytes) its dossier's batch worker rendered from a context that renders alike
    # (plan): written as they are instead of rendered again; dropped once written
    premade: tuple[list[str], bytes] | None = field(default=None, repr=False)
    # the key of the form a run before rendered and the cache keeps (forms.stored; write_jobs)
    stored: str | None = field(default=None, repr=False)

    def outputs(self, pdf: bool) -> list[Path]:
        paths = [self.target]
        if self.xlsx:
            paths.append(self.target.with_suffix(".xlsx"))
        if pdf:
            paths.append(self.target.with_suffix(".pdf"))
        return paths


def _shipped_templates() -> Path:
    from pingtai_cli.rules.schema import package_data_dir

    return package_data_dir("templates")


def _candidate(base: Path, rel: str) -> Path | None:
    path = base / rel
    return path if is_inside(path, base) and path.is_file() else None


def find_template(rel: str, template_dir: Path | None, alt_name: str | None = None) -> Path | None:
    """A bureau's own template first (`--template-dir`), then the shipped one."""
    tries: list[tuple[Path, str]] = []
    if template_dir:
        tries.append((template_dir, rel))
        if alt_name:
            tries.append((template_dir, alt_name))
    tries.append((_shipped_templates(), rel))
    for base, name in tries:
        found = _candidate(base, name)
        if found:
            return found
    return None


def jurisdiction_context(rs: Ruleset) -> dict[str, str]:
    doc = rs.document
    title = doc.cited
    return {
        "jurisdiction": rs.key,
        "jurisdiction_name": rs.name,
        "recognition_title": doc.recognition_title,
        "document_title": title,
        "document_number": doc.number or "",
    }


def applicant_form_keys(rs: Ruleset) -> list[str]:
    """The variables of the shipped templates of the forms the applicant fills in (for `init`)."""
    from pingtai_cli.outputs.forms.render import FormError, template_variables

    keys: list[str] = []
    for form in rs.forms:
        tpl = find_template(form.template or f"{rs.key}/{form.id}.docx", None)
        if form.filled_by != "applicant" or tpl is None:
            continue
        try:
            keys += sorted(template_variables(tpl))
        except FormError:
            continue  # a broken template is fill-forms' finding, not a reason to refuse init
    return keys


def template_notes(
    name: str, tpl: Path, rel: str, form_id: str, template_dir: Path | None
) -> list[str]:
    """What to tell a bureau about its own templates: one not found, variables with no data."""
    from pingtai_cli.outputs.forms.render import undeclared_variables

    if template_dir is None:
        return []
    if not is_inside(tpl, template_dir):
        return [
            f"--template-dir 中没有《{name}》的模板（应命名为 {rel} 或 {form_id}.docx），已使用内置模板。"
        ]
    unknown = sorted(undeclared_variables(tpl))
    if not unknown:
        return []
    return [
        f"模板 {tpl.name} 中的变量 {'、'.join(unknown)} 没有数据来源，将留空"
        "（拼写错误？可用的变量见 pingtai templates vars）。"
    ]


def narrative_note(form: Form, rs: Ruleset) -> list[str]:
    """The written sections of a 申请报告 (xuchang 附件2 五（一）…（六）) are not filled from facts."""
    layout = rs.application_report
    if form.id != "application_report" or layout is None:
        return []
    written = [s.split("（包括")[0].rstrip("；;。") for s in layout.sections if s.startswith("（")]
    if not written:
        return []
    return [
        f"《{form.name}》中的文字说明（{layout.article}：{'；'.join(written)}）没有可填的数据，已留空："
        "请从卷宗中的申请报告复制，或直接填写。"
    ]


def _form_file(form: Form) -> str:
    """附件1-许昌市…推荐表.docx: a filled form is no longer a template (（模板） dropped)."""
    name = re.sub(r"[（(]模板[）)]", "", form.name)
    return safe_name(f"{form.attachment}-{name}", form.id) + ".docx"


REVIEW_OPINION = "_common/review_opinion.docx"
REVIEW_OPINION_NAME = "审核意见表"


def checked_facts(dossier: Dossier, result: CheckResult | None) -> Dossier:
    """The dossier with the facts its check used (derived and document facts included, with
    their evidence), so that a form prints what the check read: 年服务中小企业数 from the yearly
    table of the 申请报告 when the workbook is missing, as the check takes it."""
    import dataclasses

    if result is None or not result.facts:
        return dossier
    return dataclasses.replace(dossier, facts={**dossier.facts, **result.facts})


def form_parts(dossier: Dossier, result: CheckResult, rs: Ruleset, seed: int | None = None) -> dict[str, Any]:
    """What `plan` needs of one dossier, made where it was read (a batch worker), so that the
    run's one process does not build every dossier's context, check view and 测评 draw in turn."""
    from pingtai_cli.outputs.forms.render import check_parts, form_context, survey_sample

    form = form_context(checked_facts(dossier, result), rs.function_fields())
    check, review = check_parts(result)
    parts: dict[str, Any] = {"form": form, "check": check, "review": review, "findings": len(result.findings)}
    if seed is not None:
        parts["survey"] = (seed, *survey_sample(dossier, seed, served=form["served_smes"]))
    return parts


def prepare_templates(rs: Ruleset, template_dir: Path | None, open_them: bool = False) -> None:
    """Every template a run of `rs` may fill, read, checked and analysed in this process before the
    batch's workers fork, so that they inherit them. A template analysed in a run before (its
    analysis in the cache) is opened only with `open_them` (~0.15 s of one core, the docxtpl
    import included): its forms may all come from the cache (forms.stored), and a worker whose
    form does not opens it then. A template that cannot be used is left for plan to report."""
    from pingtai_cli.outputs.forms.render import FormError, template_variables, warm

    found = [find_template(f.template or f"{rs.key}/{f.id}.docx", template_dir, f"{f.id}.docx") for f in rs.forms]
    forms = [t for t in found if t is not None]
    try:
        summary = any("dossiers" in template_variables(t) for t in forms)
    except FormError:
        summary = True  # plan says what is wrong with it
    extra = [(REVIEW_OPINION, "review_opinion.docx")] + ([] if summary else [(COMMON_SUMMARY, "summary.docx")])
    warm(forms + [t for rel, name in extra if (t := find_template(rel, template_dir, name))], open_them)


@dataclass
class FormSet:
    """The templates of a run of one ruleset: each dossier's forms, the summaries over them (the
    common one not yet added), the 审核意见表, whether a dossier's form has a 测评 table, and the
    notes for the user (a template not found, variables with no data, a narrative left blank)."""

    per_dossier: list[tuple[Form, Path]]
    summaries: list[tuple[str, Path, str]]
    opinion: Path | None
    has_survey: bool
    notes: list[str]


def form_set(rs: Ruleset, template_dir: Path | None) -> FormSet:
    """Which template fills which form (raises FormError for a template that cannot be read)."""
    from pingtai_cli.outputs.forms.render import template_variables

    notes: list[str] = []
    per_dossier: list[tuple[Form, Path]] = []
    summaries: list[tuple[str, Path, str]] = []
    for form in rs.forms:
        rel = form.template or f"{rs.key}/{form.id}.docx"
        tpl = find_template(rel, template_dir, f"{form.id}.docx")
        if tpl is None:
            notes.append(f"未找到《{form.name}》的模板（{rel}），跳过该表。")
            continue
        notes += template_notes(form.name, tpl, rel, form.id, template_dir)
        notes += narrative_note(form, rs)
        if "dossiers" in template_variables(tpl):
            summaries.append((form.name, tpl, _form_file(form)))
        else:
            per_dossier.append((form, tpl))
    # the 测评 draw is said only where a form has its table (the 审核意见表 names no draw otherwise)
    has_survey = any("survey" in template_variables(tpl) for _, tpl in per_dossier)
    opinion = find_template(REVIEW_OPINION, template_dir, "review_opinion.docx")
    return FormSet(per_dossier, summaries, opinion, has_survey, notes)


def dossier_context(
    dossier: Dossier, check: CheckResult | None, rs: Ruleset, extra: dict[str, str], seed: int, has_survey: bool
) -> dict[str, Any]:
    """One dossier's context for its forms: its facts, the jurisdiction, and with `check` the check
    (结论, 审核意见) and the 测评 sample drawn with `seed`; what the batch worker made of it
    (form_parts) where that still holds."""
    from pingtai_cli.outputs.forms.render import (
        check_context,
        confirm_rows,
        form_context,
        survey_sample,
    )

    made = check.form_parts if check is not None else None
    ctx = {**(made["form"] if made else form_context(checked_facts(dossier, check), rs.function_fields())), **extra}
    if check is not None:
        drawn = made.get("survey") if made else None  # (seed, rows, note) drawn by the worker
        survey, note = drawn[1:] if drawn and drawn[0] == seed else survey_sample(dossier, seed)
        # the worker's is the check as it was; a batch adds findings after (duplicates), which
        # change only its 需确认事项
        if made is None:
            viewed = check_context(check)
        elif made["findings"] == len(check.findings):
            viewed = made["check"]
        else:
            viewed = {**made["check"], "to_confirm": confirm_rows(made["review"], check)}
        ctx.update(viewed, survey=survey, survey_note=note if has_survey else "")
    return ctx


SPECULATIVE_SECONDS = 5.0  # one form a batch worker renders ahead (a shipped one takes ~30 ms)
_FAILED: set[str] = set()  # digests of templates this process could not render ahead: not tried again


def premade(
    dossier: Dossier,
    result: CheckResult,
    rs: Ruleset,
    template_dir: Path | None,
    seed: int,
    seconds: float,
    copy: bool = False,
) -> dict[str, Any] | None:
    """In the batch worker that checked the dossier (result.form_parts made): its own forms (the
    per-dossier forms and the 审核意见表) rendered from the context it can know, the check as the
    worker made it and the dossier listed. plan hands a form's bytes to the writer when the final
    context renders alike (render.renders_alike); the rest are rendered as before. A `copy` of an
    applicant met before gets a duplicate finding: a form showing the 需确认事项 is not made.

    {"context": the context, "forms": {template digest: (blanks, .docx bytes)}}; None when nothing
    could be made (a template that cannot be read or rendered is the parent's to report).
    """
    from pingtai_cli.outputs.forms.render import prepared

    try:
        forms = form_set(rs, template_dir)
        ctx = dossier_context(dossier, result, rs, jurisdiction_context(rs), seed, forms.has_survey)
        made: dict[str, tuple[list[str], bytes]] = {}
        limit = min(SPECULATIVE_SECONDS, seconds)
        for tpl in [t for _, t in forms.per_dossier] + ([forms.opinion] if forms.opinion else []):
            ready = prepared(tpl)
            shows_findings = ready.reads is None or "to_confirm" in ready.reads
            if ready.digest in _FAILED or ready.digest in made or limit <= 0 or (copy and shows_findings):
                continue
            digest = ready.digest
            try:
                blanks, files = render_bytes(Job("", tpl, ctx, tpl), limit)
            except Exception:  # a template's failure (or its limit) is for the parent to report
                _FAILED.add(digest)
                continue
            made[digest] = (blanks, files[0][1])
    except Exception:  # never the dossier's failure: the parent renders its forms as before
        return None
    return {"context": ctx, "forms": made}


def _premade_of(check: CheckResult | None, tpl: Path, ctx: dict[str, Any]) -> tuple[list[str], bytes] | None:
    """The form its dossier's worker rendered with `tpl`, if `ctx` renders alike."""
    from pingtai_cli.outputs.forms.render import FormError, prepared, renders_alike

    made = check.form_parts.get("premade") if check is not None and check.form_parts else None
    if not made:
        return None
    try:
        found: tuple[list[str], bytes] | None = made["forms"].get(prepared(tpl).digest)
        return found if found is not None and renders_alike(tpl, made["context"], ctx) else None
    except FormError:  # its render says what is wrong with it
        return None


def plan(
    dossiers: list[tuple[Path, Dossier]],
    rs: Ruleset,
    out: Path,
    template_dir: Path | None,
    checks: list[CheckResult] | None = None,
    seed: int = 0,
    *,
    marks: list[str] | None = None,
    left_out: list[LeftOut] | None = None,
    folders: dict[Path, str] | None = None,
) -> tuple[list[Job], list[str]]:
    """The jobs of one run and the notes to tell the user (missing templates, forms not given).

    With `checks` (one per dossier) the forms also get the verdict (结论), the 测评 sample drawn
    with `seed`, and each dossier a 审核意见表 from its check; `marks` (one per dossier) are added
    to the verdict in the summaries' 结论 column. Each of `left_out` gets its 审核意见表 only,
    saying why it is not listed. `folders` are the dossiers' folders planned ahead (folder_names).
    A form its dossier's batch worker rendered from a context that renders alike is not rendered
    again (Job.premade); the workers' other renders are dropped here.
    """
    from pingtai_cli.outputs.forms.render import summary_context

    extra = jurisdiction_context(rs)
    forms = form_set(rs, template_dir)
    notes, per_dossier, summaries = forms.notes, forms.per_dossier, forms.summaries
    if not rs.forms:
        notes.append(
            f"{extra['document_title']}未附推荐表、申请报告等表格样式，不生成单个平台的表格。"
        )
    intake = len(dossiers) + len(left_out or []) > 1  # one listed of many still gets its summary
    if intake and not summaries:  # heilongjiang's 推荐汇总表 is its summary already
        tpl = find_template(COMMON_SUMMARY, template_dir, "summary.docx")
        if tpl:
            summaries.append(
                (
                    f"{extra['recognition_title']}{COMMON_SUMMARY_NAME}",
                    tpl,
                    COMMON_SUMMARY_NAME + ".docx",
                )
            )
    if not dossiers:
        summaries = []
    opinion = forms.opinion if checks is not None else None  # [] when every dossier is left out: each still gets one
    jobs: list[Job] = []
    contexts: list[dict[str, Any]] = []
    used: set[str] = set()

    def context(dossier: Dossier, check: CheckResult | None) -> dict[str, Any]:
        return dossier_context(dossier, check, rs, extra, seed, forms.has_survey)

    def done(check: CheckResult | None) -> None:
        if check is not None and check.form_parts:
            check.form_parts.pop("premade", None)  # what was not taken is not held on to

    for n_dossier, (path, dossier) in enumerate(dossiers):
        check = checks[n_dossier] if checks else None
        ctx = context(dossier, check)
        contexts.append(ctx)
        unique = _unique_folder(path, folders, used)
        for form, tpl in per_dossier:
            job = Job(form.name, tpl, ctx, out / unique / _form_file(form), owner=unique)
            job.premade = _premade_of(check, tpl, ctx)
            jobs.append(job)
        if opinion is not None:
            target = out / unique / f"{REVIEW_OPINION_NAME}.docx"
            jobs.append(Job(REVIEW_OPINION_NAME, opinion, ctx, target, premade=_premade_of(check, opinion, ctx)))
        done(check)
    for gone in left_out or []:
        if opinion is None or gone.result.source is None:
            done(gone.result)
            continue
        # its 推荐表 (the 测评 table) is not written: its 审核意见表 describes no draw
        ctx = {**context(gone.result.source, gone.result), "survey": [], "survey_note": ""}
        reasons = ctx.get("verdict_reasons") or ""
        ctx["verdict_reasons"] = f"{reasons}\n未列入推荐表和汇总表：{gone.why}。".lstrip("\n")
        unique = _unique_folder(gone.path, folders, used)
        target = out / unique / f"{REVIEW_OPINION_NAME}.docx"
        jobs.append(Job(REVIEW_OPINION_NAME, opinion, ctx, target, premade=_premade_of(gone.result, opinion, ctx)))
        done(gone.result)
    rows = contexts
    if marks:
        rows = [{**c, "verdict_word": c.get("verdict_word", "") + m} for c, m in zip(contexts, marks, strict=True)]
    for title, tpl, file_name in summaries:
        jobs.append(Job(title, tpl, summary_context(rows, extra), out / file_name, xlsx=True))
    return jobs, notes


# ---------------------------------------------------------------- writing


def check_outputs(jobs: list[Job], out: Path, *, force: bool, pdf: bool) -> None:
    """Refuse before writing anything: a path outside --out, or an existing file without --force."""
    targets = [p for job in jobs for p in job.outputs(pdf)]
    for p in targets:
        if not is_inside(p, out):
            raise PingtaiError(f"拒绝写到输出目录之外：{p}")
    existing = [p for p in targets if p.exists() or p.is_symlink()]
    if existing and not force:
        shown = "\n".join(f"  {p}" for p in existing[:10])
        more = f"\n  …共 {len(existing)} 个" if len(existing) > 10 else ""
        raise OutputExists(f"输出文件已存在（加 --force 覆盖）：\n{shown}{more}")


class Renderers:
    """Render worker processes for the forms left to render after the batch (a duplicate's
    审核意见表, the summaries), forked with their templates opened, deflated and compiled, so
    that no worker does that again. write_jobs takes them, or closes them when it renders in this
    process."""

    def __init__(self, workers: int, templates: Iterable[Path] = ()) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from pingtai_cli.outputs.forms.render import warm

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        if method == "fork":  # the workers start with every template read, checked and opened
            warm(templates)
        self.workers = workers
        context = multiprocessing.get_context(method)
        self.pool: Any = ProcessPoolExecutor(workers, mp_context=context, initializer=_render_worker)
        self.pool.submit(int)  # forks them now (ProcessPoolExecutor forks all at the first job)

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=True, cancel_futures=cancel)


def _render_worker() -> None:
    """A render worker leaves Ctrl-C to this process, which stops the run, undoes what it wrote and
    closes the workers; the worker says nothing of it (it printed a traceback, waiting for a job)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def write_jobs(
    jobs: list[Job],
    out: Path,
    written: list[Path] | None = None,
    seconds: float | None = None,
    workers: int = 1,
    renderers: Renderers | None = None,
) -> list[Path]:
    """Render every job (each within `seconds`), in `workers` processes (`renderers`, when started
    ahead); `written` (when given) lists what was written so far, for an undo. A form kept in the
    cache (forms.stored; the cache on, as fill-forms turns it on) is written as it was rendered."""
    from pingtai_cli.intake import cache
    from pingtai_cli.outputs.forms import stored
    from pingtai_cli.outputs.forms.render import TEMPLATE_SECONDS

    limit = min(seconds or TEMPLATE_SECONDS, TEMPLATE_SECONDS)
    written = [] if written is None else written
    for job in jobs:
        if job.premade is None:
            job.stored = _held(job)
    ahead = [job for job in jobs if job.premade is not None or job.stored is not None]
    jobs = [job for job in jobs if job.premade is None and job.stored is None]

    def write_ahead() -> None:
        for job in ahead:  # rendered by their dossiers' batch workers, or kept: only written here
            if job.stored is not None:  # read as it is written: a run's forms are never all in memory
                form, job.stored = stored.fetch(job.stored, job.xlsx), None
                if form is None:  # damaged since it was found: rendered here
                    job.blanks = render_job(job, out, limit, written)
                    continue
                job.blanks, made = _files(job, form)
            else:
                assert job.premade is not None
                job.blanks, data = job.premade
                job.premade = None
                made = [(job.target, data)]
            place(job, made, out, written)

    workers = min(renderers.workers if renderers else workers, len(jobs))
    if workers <= 1:
        if renderers is not None:
            renderers.close()
        write_ahead()
        for job in jobs:
            job.blanks = render_job(job, out, limit, written)
        flush_written(written)
        return written
    if renderers is None:
        renderers = Renderers(workers, [job.template for job in jobs])
    pool = renderers.pool
    try:
        # The summaries first: their .xlsx (the form read back) then overlaps
        # the dossiers' forms instead of being the last thing the run waits for.
        ordered = sorted(jobs, key=lambda job: not job.xlsx)
        # what the batch workers made is written while the pool starts and renders the rest
        sent = [_sent(job) for job in ordered]
        keep = cache.is_enabled()
        for job, (_, (blanks, made)) in zip(ordered, _rendered(pool, sent, limit, workers, write_ahead, keep), strict=True):
            job.blanks = blanks
            place(job, made, out, written)
    except BaseException:
        renderers.close(cancel=True)
        raise
    renderers.close()
    flush_written(written)
    return written


CHUNK_MAX = 8  # jobs a worker takes at once: few enough that no worker idles long at the end
IN_FLIGHT = 4  # full chunks' worth of forms per worker sent ahead: bytes wait for the parent no longer


def _rendered(
    pool: Any,
    jobs: list[Job],
    limit: float,
    workers: int,
    meanwhile: Callable[[], None] | None = None,
    keep: bool = False,
) -> Iterator[tuple[Job, Rendered]]:
    """(job, what its worker made) in job order, as they come; at most IN_FLIGHT full chunks' worth
    of forms per worker are out at once, so a slow disk in the parent never holds every form's
    bytes in memory, and small chunks (a run of a few dozen forms) keep the workers fed while this
    process writes. `meanwhile` runs once the first chunks are out, before waiting for any. With
    `keep`, the workers keep what they render in the cache (forms.stored)."""
    from collections import deque

    size = max(1, min(CHUNK_MAX, len(jobs) // (workers * 16)))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    window = IN_FLIGHT * CHUNK_MAX * workers  # forms out at once, however they are chunked
    pending: deque[tuple[list[Job], Any]] = deque()
    out = 0
    for chunk in chunks:
        pending.append((chunk, pool.submit(_render_chunk, chunk, limit, keep)))
        out += len(chunk)
        if out + size > window:  # the next chunk would not fit
            if meanwhile is not None:
                then: Callable[[], None] = meanwhile
                meanwhile = None
                then()
            taken = pending.popleft()
            out -= len(taken[0])
            yield from _take(taken)
    if meanwhile is not None:
        meanwhile()
    while pending:
        yield from _take(pending.popleft())


def _sent(job: Job) -> Job:
    """The job as a render worker needs it: its context cut to the names the template reads (a
    dossier's context holds every list of the dossier; the 审核意见表 reads a dozen names)."""
    import dataclasses

    from pingtai_cli.outputs.forms.render import read_context

    return dataclasses.replace(job, context=read_context(job.template, job.context), premade=None, stored=None)


def _take(item: tuple[list[Job], Any]) -> Iterator[tuple[Job, Rendered]]:
    chunk, future = item
    yield from zip(chunk, future.result(), strict=True)


Rendered = tuple[list[str], list[tuple[Path, bytes]]]  # blank fields, (target, bytes) per output


def _render_chunk(jobs: list[Job], limit: float, keep: bool = False) -> list[Rendered]:
    """In a worker: the jobs' forms rendered to bytes (and, with `keep`, kept in the cache). The
    parent writes them (each renamed into place whole, all flushed to disk together at the end),
    so that a worker renders the next form instead of waiting for the disk."""
    from pingtai_cli.intake.cache import enabled

    with enabled(keep):
        return [render_bytes(job, limit) for job in jobs]


ALIKE_KEPT = 16  # forms a process keeps to hand out again for a context that renders alike
_ALIKE: dict[tuple[str, bytes], tuple[list[str], bytes]] = {}


def render_bytes(job: Job, limit: float) -> Rendered:
    """One form (and its .xlsx) as bytes, with the blank fields it shows. A form this process
    rendered before from a context that renders alike (the same applicant's copies in an intake:
    their 申请报告 differ in nothing the template reads) is that form's bytes again; so is one a run
    before kept in the cache (forms.stored), and what is rendered here is kept there."""
    import io

    from pingtai_cli.intake.cache import is_enabled
    from pingtai_cli.outputs.forms import stored
    from pingtai_cli.outputs.forms.render import alike_key, docx_tables_to_xlsx, render_form

    title = job.title if job.xlsx else None
    kept = stored.key_of(job.template, job.context, title) if is_enabled() else None
    found = stored.fetch(kept, job.xlsx) if kept is not None else None
    if found is not None:
        return _files(job, found)
    key = alike_key(job.template, job.context)
    mine = _ALIKE.get(key) if key is not None else None
    if mine is not None:
        blanks, data = list(mine[0]), mine[1]
    else:
        docx = io.BytesIO()
        blanks = render_form(job.template, job.context, docx, seconds=limit)
        data = docx.getvalue()
        if key is not None:
            if len(_ALIKE) >= ALIKE_KEPT:
                del _ALIKE[next(iter(_ALIKE))]  # the oldest: copies of an applicant come close together
            _ALIKE[key] = (list(blanks), data)
    book = None
    if job.xlsx:
        xlsx = io.BytesIO()
        docx_tables_to_xlsx(io.BytesIO(data), xlsx, title=job.title)
        book = xlsx.getvalue()
    form = stored.Stored(blanks, data, book)
    if kept is not None and (mine is None or job.xlsx):  # what this process kept already is not kept again
        stored.keep(kept, form)
    return _files(job, form)


def _held(job: Job) -> str | None:
    """The key the cache keeps the job's form under (forms.stored), if it holds one; else None:
    the cache off, no entry, or a form that is not kept (its template's reads not known)."""
    from pingtai_cli.intake.cache import is_enabled
    from pingtai_cli.outputs.forms import stored

    if not is_enabled():
        return None
    key = stored.key_of(job.template, job.context, job.title if job.xlsx else None)
    return key if key is not None and stored.held(key) else None


def _files(job: Job, form: Any) -> Rendered:
    """What place writes of a rendered or kept form (forms.stored.Stored): its .docx, and beside a
    summary its .xlsx; with the blank fields it shows."""
    made = [(job.target, form.docx)]
    if job.xlsx and form.xlsx is not None:
        made.append((job.target.with_suffix(".xlsx"), form.xlsx))
    return list(form.blanks), made


def place(job: Job, made: list[tuple[Path, bytes]], out: Path, written: list[Path]) -> None:
    """A job's rendered files written atomically inside `out` (`written` lists each)."""
    current = job.target
    try:
        job.target.parent.mkdir(parents=True, exist_ok=True)
        if not is_inside(job.target, out):  # a folder that is a symlink out of --out
            raise PingtaiError(f"拒绝写到输出目录之外：{job.target}")
        for current, data in made:
            write_atomic(current, data, durable=False)  # flushed all at once when all are written
            written.append(current)
    except OSError as e:  # a full disk, a read-only folder: say which file
        raise PingtaiError(f"无法写入 {e.filename or current}（{os_reason(e)}）") from e


def render_job(job: Job, out: Path, limit: float, written: list[Path]) -> list[str]:
    """One form (and its .xlsx), written atomically inside `out`; returns its blank fields."""
    blanks, made = render_bytes(job, limit)
    place(job, made, out, written)
    return blanks


def new_folders(out: Path, jobs: list[Job]) -> list[Path]:
    """Folders this run will create (--out and the dossiers' folders), deepest first."""
    wanted = {out, *(job.target.parent for job in jobs)}
    missing: set[Path] = set()
    for folder in wanted:
        for p in (folder, *folder.parents):
            if p.exists():
                break
            missing.add(p)
    return sorted(missing, key=lambda p: len(p.parts), reverse=True)


def undo(written: list[Path], existed: set[Path], folders: list[Path]) -> None:
    """After a failed run: the files it created and the folders it made, if left empty."""
    for path in written:
        if path not in existed:
            with contextlib.suppress(OSError):
                path.unlink()
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def blank_report(jobs: list[Job]) -> list[str]:
    """One Chinese line per dossier naming the fields its forms left blank for hand filling."""
    from pingtai_cli.outputs.forms.render import blank_label

    by_owner: dict[str, list[str]] = {}
    for job in jobs:
        if job.owner is None:
            continue
        keys = by_owner.setdefault(job.owner, [])
        keys.extend(k for k in job.blanks if k not in keys)
    lines = []
    for owner, keys in by_owner.items():
        if keys:
            labels = "、".join(blank_label(k) for k in keys)
            lines.append(f"【{owner}】以下栏目没有数据，已留空白横线或空行待手写：{labels}")
        else:
            lines.append(f"【{owner}】表格中的栏目均已填写。")
    return lines


# ---------------------------------------------------------------- PDF


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run_bounded(cmd: list[str], timeout: float) -> bool:
    """Run a command in its own process group; kill the whole group when it overruns."""
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return proc.wait(timeout=timeout) == 0
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return False


def convert_to_pdf(soffice: str, files: list[Path], timeout: float = PDF_TIMEOUT) -> list[str]:
    """Convert .docx files of one folder to PDFs beside them; return problems (Chinese)."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pingtai-pdf-") as tmp:
        profile = Path(tmp) / "profile"
        outdir = Path(tmp) / "out"
        cmd = [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        if not _run_bounded(cmd, timeout + 10 * len(files)):
            problems.append(f"LibreOffice 转换未正常结束（超时或出错）：{files[0].parent}")
        for f in files:
            produced = outdir / (f.stem + ".pdf")
            if produced.is_file():
                target = f.with_suffix(".pdf")
                write_atomic(target, partial(shutil.copyfile, produced))
            else:
                problems.append(f"未能生成 PDF：{f}")
    return problems


# ---------------------------------------------------------------- commands


def given(paths: list[Path], out: Path, say: Say = _quiet) -> list[Path]:
    """The dossiers as given, each once; the output folder may not be inside one of them."""
    for p in paths:
        if p.is_dir() and is_inside(out, p):
            raise PingtaiError(f"输出目录不能位于申报材料文件夹之内：{out}（申报材料：{p}）")
    unique: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        if p.resolve() in seen:
            say(f"同一卷宗重复给出，只处理一次：{p}")
            continue
        seen.add(p.resolve())
        unique.append(p)
    return unique


def problem_lines(path: Path, dossier: Dossier, limit: int = 5) -> list[str]:
    """The dossier's errors (unreadable files, no workbook), so blank forms come with a reason."""
    errors = [f.message for f in dossier.findings if f.severity == "error"]
    lines = [f"【{_dossier_stem(path)}】{m}" for m in errors[:limit]]
    if len(errors) > limit:
        lines.append(
            f"【{_dossier_stem(path)}】……另有 {len(errors) - limit} 个问题，详见 pingtai check"
        )
    return lines


def verdict_lines(path: Path, result: CheckResult, rs: Ruleset) -> list[str]:
    """Forms are filled for what is recommended; a dossier that does not qualify is said so first."""
    from pingtai_cli.outputs.forms.render import tidy_punctuation
    from pingtai_cli.outputs.report.view import verdict_word

    if result.verdict == "eligible":
        return []
    reasons = tidy_punctuation("；".join(result.reasons[:2])) + ("……" if len(result.reasons) > 2 else "")
    word = verdict_word(result)
    return [f"【{_dossier_stem(path)}】注意：按{rs.name}办法检查，结论为“{word}”：{reasons}（详见 pingtai check）"]


# The order of an intake's forms and summary rows: what can be recommended first.
VERDICT_RANK = {"eligible": 0, "review": 1, "incomplete": 2, "ineligible": 3}
LISTABLE_RANK = 2  # a copy ranked above this (ineligible, anything else) is never the one kept


def _rank(r: CheckResult) -> int:
    return VERDICT_RANK.get(r.verdict, 9)


@dataclass
class LeftOut:
    """A dossier not listed in the 推荐表 and summaries: its 审核意见表 still says why."""

    path: Path
    result: CheckResult
    why: str


@dataclass
class Selection:
    """Which of an intake's dossiers are listed (verdict order), which are left out and why, and
    what each listed row's 结论 cell adds to its verdict (duplicates, exclusions, area)."""

    listed: list[tuple[Path, CheckResult]]
    left_out: list[LeftOut] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)  # one per listed dossier, '' for none


def _own_reason(r: CheckResult) -> str:
    if r.verdict != "ineligible":
        return ""
    return "存在排除情形" if any(e.status == "fail" for e in r.exclusions) else "不符合条件"


def _kept_copy(group: list[int], results: list[CheckResult]) -> int | None:
    """The copy of one applicant to list: the best verdict, a tie to the later copy in intake
    order; None when no copy can be listed (each is then left out for its own reasons)."""
    best = min(group, key=lambda i: (_rank(results[i]), -i))
    return best if _rank(results[best]) <= LISTABLE_RANK else None


def _why_kept(kept: CheckResult, other: CheckResult) -> str:
    from pingtai_cli.outputs.report.view import verdict_word

    if _rank(kept) < _rank(other):
        return f"其结论“{verdict_word(kept)}”优于本卷宗的“{verdict_word(other)}”"
    # intake order is all the tool knows: which copy is the newer submission is the reviewer's call
    return "两份结论相同，暂取收件目录中排在后面的一份，请核实哪份为最新提交"


def select(entries: list[tuple[Path, CheckResult]], include_all: bool) -> Selection:
    """An intake's dossiers in verdict order; ineligible ones (an exclusion applies, or a condition
    fails) and all copies of an applicant but one left out unless `include_all`.

    The copies of an applicant are those `check` flags as duplicates (same credit code, same org
    name, identical files). The one kept is the copy with the best verdict (eligible > review >
    incomplete > the rest), a tie going to the later copy; the others are left out as its
    duplicates. When no copy can be listed, each is left out for its own reasons.
    """
    from pingtai_cli.engine.duplicates import duplicate_groups, short_names
    from pingtai_cli.outputs.report.view import outside_note

    results = [r for _, r in entries]
    # as the findings name them: 魏都区/甲 and 长葛市/甲 where two folders share a name
    names = short_names([str(path) for path, _ in entries])
    stems = [
        _dossier_stem(path) if Path(n).name in ("", ".", "..") else n[:-4] if n.lower().endswith(".zip") else n
        for (path, _), n in zip(entries, names, strict=True)
    ]
    group_of: dict[int, list[int]] = {}
    kept_of: dict[int, int | None] = {}
    if len(entries) > 1:
        for group in duplicate_groups(results):
            kept = _kept_copy(group, results)
            for i in group:
                group_of[i], kept_of[i] = group, kept
    listed: list[int] = []
    left_out: list[LeftOut] = []
    said: list[str] = []
    for i, (path, r) in enumerate(entries):
        kept = kept_of.get(i)
        why = _own_reason(r) if len(entries) > 1 else ""
        if kept is not None and kept != i:
            why = (
                f"与 {stems[kept]} 重复申报，以 {stems[kept]} 为准"
                f"（{_why_kept(results[kept], r)}）"
            )
        if why and not include_all:
            left_out.append(LeftOut(path, r, why))
            said.append(f"【{stems[i]}】未列入推荐表和汇总表：{why}；只生成审核意见表（加 --include-all 列入）")
            continue
        listed.append(i)
    listed.sort(key=lambda i: _rank(results[i]))  # stable: intake order within a verdict
    row = {i: n for n, i in enumerate(listed, 1)}
    marks = []
    for i in listed:
        parts = []
        if any(e.status == "fail" for e in results[i].exclusions):
            parts.append("存在排除情形")
        others = [row[j] for j in group_of.get(i, []) if j != i and j in row]
        kept = kept_of.get(i)
        if others and kept is not None and kept != i and kept in row:
            parts.append(f"与第{row[kept]}行重复申报")
        elif others:
            rows = "、".join(map(str, sorted(others)))
            parts.append(f"与第{rows}行重复申报" + ("，以本行为准" if kept == i else ""))
        area = outside_note(results[i])
        if area:
            parts.append(area)
        marks.append(f"（{'；'.join(parts)}）" if parts else "")
    return Selection([entries[i] for i in listed], left_out, said, marks)


def folder_names(paths: list[Path]) -> dict[Path, str]:
    """Each dossier's output folder, from its name, made unique in the order given (the intake's):
    known before any dossier is read, so that a run can refuse at once to overwrite one."""
    names: dict[Path, str] = {}
    used: set[str] = set()
    for path in paths:
        if path in names:
            continue
        folder = safe_name(_dossier_stem(path), "dossier")
        unique, n = folder, 2
        while unique in used:
            unique, n = f"{folder}-{n}", n + 1
        used.add(unique)
        names[path] = unique
    return names


def _unique_folder(path: Path, folders: dict[Path, str] | None, used: set[str]) -> str:
    """The folder `folder_names` gave `path`, else (a path not planned ahead) one made here."""
    planned = (folders or {}).get(path)
    folder = planned or safe_name(_dossier_stem(path), "dossier")
    unique, n = folder, 2
    while unique in used:
        unique, n = f"{folder}-{n}", n + 1
    used.add(unique)
    return unique


def planned_files(rs: Ruleset, template_dir: Path | None, several: bool) -> tuple[list[str], list[str]]:
    """The names of the files a run writes, known before any dossier is read: (the summaries in
    --out itself, the files of each dossier's folder)."""
    from pingtai_cli.outputs.forms.generic import FILES
    from pingtai_cli.outputs.forms.render import FormError, template_variables

    summaries: list[str] = []
    each = [f"{REVIEW_OPINION_NAME}.docx"]
    templated = False
    for form in rs.forms:
        tpl = find_template(form.template or f"{rs.key}/{form.id}.docx", template_dir, f"{form.id}.docx")
        if tpl is None:
            continue
        try:
            (summaries if "dossiers" in template_variables(tpl) else each).append(_form_file(form))
            templated = True
        except FormError:
            continue  # the template's own problem is said when the run plans its forms
    if several and not summaries and find_template(COMMON_SUMMARY, template_dir, "summary.docx"):
        summaries.append(COMMON_SUMMARY_NAME + ".docx")
    if not templated:
        each += list(FILES)
    return summaries, each


def check_planned(
    out: Path, planned: tuple[list[str], list[str]], folders: list[str], *, force: bool, pdf: bool
) -> None:
    """Refuse before reading any dossier when an output known ahead exists (a summary, a form of a
    dossier's folder) and --force is not given; `check_outputs` checks the full plan later."""
    if force or not out.is_dir():
        return
    summaries, each = planned
    targets = [out / name for name in summaries]
    targets += [t.with_suffix(".xlsx") for t in targets]
    targets += [out / folder / name for folder in folders for name in each]
    if pdf:
        targets += [t.with_suffix(".pdf") for t in targets if t.suffix == ".docx"]
    existing = [p for p in targets if (p.exists() or p.is_symlink()) and is_inside(p.parent, out)]
    if existing:
        shown = "\n".join(f"  {p}" for p in existing[:10])
        more = f"\n  …共 {len(existing)} 个" if len(existing) > 10 else ""
        raise OutputExists(f"输出文件已存在（加 --force 覆盖）：\n{shown}{more}")


def check_writable(out: Path) -> None:
    """Refuse before reading any dossier when --out cannot be written (a read-only folder, or one
    whose nearest existing parent is). Reading an intake of scans first took minutes before
    无法写入 said what a moment would have."""
    try:
        probe_writable(out)
    except OSError as e:
        raise PingtaiError(f"无法写入输出目录 {out}（{os_reason(e)}），未读取任何卷宗。") from e


def generic_jobs(
    read: list[tuple[Path, Dossier]],
    rs: Ruleset,
    out: Path,
    when: date,
    *,
    force: bool,
    say: Say = _quiet,
    folders: dict[Path, str] | None = None,
) -> list[Path]:
    """Generic 推荐表, 申请表 and 材料清单 per dossier, from the ruleset (generic_forms.py)."""
    from pingtai_cli.outputs.forms.generic import targets, write_generic

    say(f"{rs.name}没有可用的表格模板：按规则文件生成通用格式的推荐表、申请表和材料清单"
        "（不是官方格式；有官方模板时用 --template-dir 指定，文件名见 pingtai templates vars）。")
    used: set[str] = set()
    targets_of = [out / _unique_folder(path, folders, used) for path, _ in read]
    planned = [p for folder in targets_of for p in targets(folder)]
    existing = [p for p in planned if p.exists() or p.is_symlink()]
    if existing and not force:
        raise OutputExists("输出文件已存在（加 --force 覆盖）：\n" + "\n".join(f"  {p}" for p in existing[:10]))
    if any(not is_inside(p, out) for p in planned):
        raise PingtaiError(f"拒绝写到输出目录之外：{out}")
    written: list[Path] = []
    for (_, dossier), target in zip(read, targets_of, strict=True):
        written += write_generic(rs, dossier, target, when, write_atomic)
    return written


def survey_lines(jobs: list[Job]) -> list[str]:
    """How each dossier's 测评 companies were drawn (the seed), once per dossier."""
    from pingtai_cli.outputs.forms.render import template_variables

    lines: list[str] = []
    for job in jobs:
        note = job.context.get("survey_note")
        if job.owner and note and "survey" in template_variables(job.template):
            # the form's note speaks of the draw; whoever runs the command is told how to redo it
            hint = "可用 --survey-seed 指定种子。" if "随机种子" in note else ""
            lines.append(f"【{job.owner}】{note}{hint}")
    return list(dict.fromkeys(lines))


def missing_form_fonts() -> list[str]:
    """Fonts the templates name that this machine lacks (LibreOffice substitutes them in PDFs)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        proc = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return []
    installed = proc.stdout
    wanted = [("宋体", "SimSun"), ("仿宋", "FangSong"), ("黑体", "SimHei")]
    return [zh for zh, en in wanted if zh not in installed and en not in installed]


def pdfs(jobs: list[Job], say: Say = _quiet) -> list[Path]:
    soffice = find_soffice()
    if soffice is None:
        say(INSTALL_HINT)
        return []
    missing = missing_form_fonts()
    if missing:
        say(
            f"注意：本机没有{'、'.join(missing)}字体，PDF 中将以其他中文字体代替，版式可能略有不同；"
            "正式报送请以在装有这些字体的电脑上用 Word/WPS 打开 .docx 为准。"
        )
    folders: dict[Path, list[Path]] = {}
    for job in jobs:
        folders.setdefault(job.target.parent, []).append(job.target)
    for files in folders.values():
        for problem in convert_to_pdf(soffice, files):
            say(problem)
    return [j.target.with_suffix(".pdf") for j in jobs if j.target.with_suffix(".pdf").is_file()]
