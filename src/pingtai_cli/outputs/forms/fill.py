"""Filling an intake's forms: which forms for which dossier (plan), safe names, the atomic
writer, rendering in worker processes with an undo, and the LibreOffice PDF conversion.

The library half of `pingtai fill-forms` (api.fill_forms runs it; cli/commands/forms.py only
parses flags and prints). Outputs never leave `out`, never overwrite without `force`, and appear
whole or not at all (each file is written under a temporary name and renamed). Names taken from
dossier data are sanitised. Heavy imports stay inside the functions.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pingtai_cli.core.deadline import (
    DOSSIER_TIMEOUT as DOSSIER_TIMEOUT,  # re-exported for api/forms
)
from pingtai_cli.core.errors import OutputExists, PingtaiError, os_reason
from pingtai_cli.core.files import is_inside, write_atomic
from pingtai_cli.engine.duplicates import duplicate_note

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
    return safe_name(f"{form.attachment}-{form.name}", form.id) + ".docx"


REVIEW_OPINION = "_common/review_opinion.docx"
REVIEW_OPINION_NAME = "审核意见表"


def form_parts(dossier: Dossier, result: CheckResult, rs: Ruleset) -> dict[str, Any]:
    """What `plan` needs of one dossier, made where it was read (a batch worker), so that the
    run's one process does not build every dossier's context and check view in turn."""
    from pingtai_cli.outputs.forms.render import check_context, form_context

    return {
        "form": form_context(dossier, rs.function_fields()),
        "check": check_context(result),
        "findings": len(result.findings),
    }


def plan(
    dossiers: list[tuple[Path, Dossier]],
    rs: Ruleset,
    out: Path,
    template_dir: Path | None,
    checks: list[CheckResult] | None = None,
    seed: int = 0,
) -> tuple[list[Job], list[str]]:
    """The jobs of one run and the notes to tell the user (missing templates, forms not given).

    With `checks` (one per dossier) the forms also get the verdict (结论), the 测评 sample drawn
    with `seed`, and each dossier a 审核意见表 from its check.
    """
    from pingtai_cli.outputs.forms.render import (
        check_context,
        form_context,
        summary_context,
        survey_sample,
        template_variables,
    )

    extra = jurisdiction_context(rs)
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
    if not rs.forms:
        notes.append(
            f"{extra['document_title']}未附推荐表、申请报告等表格样式，不生成单个平台的表格。"
        )
    if len(dossiers) > 1 and not summaries:  # heilongjiang's 推荐汇总表 is its summary already
        tpl = find_template(COMMON_SUMMARY, template_dir, "summary.docx")
        if tpl:
            summaries.append(
                (
                    f"{extra['recognition_title']}{COMMON_SUMMARY_NAME}",
                    tpl,
                    COMMON_SUMMARY_NAME + ".docx",
                )
            )

    opinion = find_template(REVIEW_OPINION, template_dir, "review_opinion.docx") if checks else None
    jobs: list[Job] = []
    contexts: list[dict[str, Any]] = []
    used: set[str] = set()
    for n_dossier, (path, dossier) in enumerate(dossiers):
        made = checks[n_dossier].form_parts if checks else None
        ctx = {**(made["form"] if made else form_context(dossier, rs.function_fields())), **extra}
        if checks:
            survey, note = survey_sample(dossier, seed)
            check = checks[n_dossier]
            # the worker's is the check as it was; a batch adds findings after (duplicates)
            kept = made is not None and made["findings"] == len(check.findings)
            ctx.update(made["check"] if made and kept else check_context(check), survey=survey, survey_note=note)
        contexts.append(ctx)
        folder = safe_name(_dossier_stem(path), "dossier")
        unique, n = folder, 2
        while unique in used:
            unique, n = f"{folder}-{n}", n + 1
        used.add(unique)
        for form, tpl in per_dossier:
            jobs.append(Job(form.name, tpl, ctx, out / unique / _form_file(form), owner=unique))
        if opinion is not None:
            target = out / unique / f"{REVIEW_OPINION_NAME}.docx"
            jobs.append(Job(REVIEW_OPINION_NAME, opinion, ctx, target))
    for title, tpl, file_name in summaries:
        jobs.append(Job(title, tpl, summary_context(contexts, extra), out / file_name, xlsx=True))
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


def write_jobs(
    jobs: list[Job],
    out: Path,
    written: list[Path] | None = None,
    seconds: float | None = None,
    workers: int = 1,
) -> list[Path]:
    """Render every job (each within `seconds`), in `workers` processes; `written` (when given)
    lists what was written so far, for an undo (after a failure in a worker: every output)."""
    from pingtai_cli.outputs.forms.render import TEMPLATE_SECONDS

    limit = min(seconds or TEMPLATE_SECONDS, TEMPLATE_SECONDS)
    written = [] if written is None else written
    workers = min(workers, len(jobs))
    if workers <= 1:
        for job in jobs:
            job.blanks = render_job(job, out, limit, written)
        return written
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pingtai_cli.outputs.forms.render import warm

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":  # the workers start with every template read, checked and opened
        warm(job.template for job in jobs)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method))
    try:
        chunk = max(1, len(jobs) // (workers * 4))
        # The summaries first: their .xlsx (openpyxl's import, the form read back) then overlaps
        # the dossiers' forms instead of being the last thing the run waits for.
        ordered = sorted(jobs, key=lambda job: not job.xlsx)
        results = pool.map(partial(_render_in_worker, out=out, limit=limit), ordered, chunksize=chunk)
        for job, blanks in zip(ordered, results, strict=True):
            job.blanks = blanks
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        written.extend(p for job in jobs for p in job.outputs(pdf=False))  # the undo keeps what existed
        raise
    pool.shutdown()
    written.extend(p for job in jobs for p in job.outputs(pdf=False))
    return written


def _render_in_worker(job: Job, out: Path, limit: float) -> list[str]:
    return render_job(job, out, limit, [])


def render_job(job: Job, out: Path, limit: float, written: list[Path]) -> list[str]:
    """One form (and its .xlsx), written atomically inside `out`; returns its blank fields."""
    from pingtai_cli.outputs.forms.render import docx_tables_to_xlsx, render_form

    current = job.target
    try:
        job.target.parent.mkdir(parents=True, exist_ok=True)
        if not is_inside(job.target, out):  # a folder that is a symlink out of --out
            raise PingtaiError(f"拒绝写到输出目录之外：{job.target}")
        blanks = write_atomic(job.target, partial(render_form, job.template, job.context, seconds=limit))
        written.append(job.target)
        if job.xlsx:
            current = job.target.with_suffix(".xlsx")
            write_atomic(current, partial(docx_tables_to_xlsx, job.target, title=job.title))
            written.append(current)
    except OSError as e:  # a full disk, a read-only folder: say which file
        raise PingtaiError(f"无法写入 {e.filename or current}（{os_reason(e)}）") from e
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
    import contextlib

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
    from pingtai_cli.outputs.report.view import verdict_word

    if result.verdict == "eligible":
        return []
    reasons = "；".join(result.reasons[:2]) + ("……" if len(result.reasons) > 2 else "")
    word = verdict_word(result)
    return [f"【{_dossier_stem(path)}】注意：按{rs.name}办法检查，结论为“{word}”：{reasons}（详见 pingtai check）"]


# The order of an intake's forms and summary rows: what can be recommended first.
VERDICT_RANK = {"eligible": 0, "review": 1, "incomplete": 2, "ineligible": 3}


def select(
    entries: list[tuple[Path, CheckResult]], include_all: bool
) -> tuple[list[tuple[Path, CheckResult]], list[str]]:
    """An intake's dossiers in verdict order; ineligible ones (an exclusion applies, or a condition
    fails) and second copies of an applicant left out unless `include_all`. (kept, lines to say)"""

    if len(entries) < 2:
        return entries, []
    kept: list[tuple[Path, CheckResult]] = []
    said: list[str] = []
    seen: dict[str, Path] = {}
    for path, r in entries:
        code = r.facts.get("credit_code")
        key = str(code.value).strip().upper() if code is not None else (r.org_name or str(path))
        first = seen.setdefault(key, path)
        why = ""
        if r.verdict == "ineligible":
            why = "存在排除情形" if any(e.status == "fail" for e in r.exclusions) else "不符合条件"
        elif duplicate_note(r) and first != path:
            why = f"与 {_dossier_stem(first)} 重复申报"
        if why and not include_all:
            said.append(f"【{_dossier_stem(path)}】未列入推荐表和汇总表：{why}（加 --include-all 列入）")
            continue
        kept.append((path, r))
    kept.sort(key=lambda e: VERDICT_RANK.get(e[1].verdict, 9))  # stable: intake order within a verdict
    return kept, said


def generic_jobs(
    read: list[tuple[Path, Dossier]], rs: Ruleset, out: Path, when: date, *, force: bool, say: Say = _quiet
) -> list[Path]:
    """Generic 推荐表, 申请表 and 材料清单 per dossier, from the ruleset (generic_forms.py)."""
    from pingtai_cli.outputs.forms.generic import targets, write_generic

    say(f"{rs.name}没有可用的表格模板：按规则文件生成通用格式的推荐表、申请表和材料清单"
        "（不是官方格式；有官方模板时用 --template-dir 指定，文件名见 pingtai templates vars）。")
    folders, used = [], set()
    for path, _ in read:
        folder = safe_name(_dossier_stem(path), "dossier")
        unique, n = folder, 2
        while unique in used:
            unique, n = f"{folder}-{n}", n + 1
        used.add(unique)
        folders.append(out / unique)
    planned = [p for folder in folders for p in targets(folder)]
    existing = [p for p in planned if p.exists() or p.is_symlink()]
    if existing and not force:
        raise OutputExists("输出文件已存在（加 --force 覆盖）：\n" + "\n".join(f"  {p}" for p in existing[:10]))
    if any(not is_inside(p, out) for p in planned):
        raise PingtaiError(f"拒绝写到输出目录之外：{out}")
    written: list[Path] = []
    for (_, dossier), target in zip(read, folders, strict=True):
        written += write_generic(rs, dossier, target, when, write_atomic)
    return written


def survey_lines(jobs: list[Job]) -> list[str]:
    """How each dossier's 测评 companies were drawn (the seed), once per dossier."""
    from pingtai_cli.outputs.forms.render import template_variables

    lines: list[str] = []
    for job in jobs:
        note = job.context.get("survey_note")
        if job.owner and note and "survey" in template_variables(job.template):
            lines.append(f"【{job.owner}】{note}")
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
