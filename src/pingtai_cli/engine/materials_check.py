"""Required materials: present, missing, or invalid (wrong year, wrong month, no seal).

A material may be satisfied by a file, a list sheet of the workbook, or a
section of the 申请报告 (spec §2); the result says which.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core.models import Dossier, Fact, Finding, MaterialFile, MaterialResult, Severity
from pingtai_cli.engine.consistency import COMPARED
from pingtai_cli.engine.derive import date_text, month_only, year_only
from pingtai_cli.rules.schema import MaterialReq, Ruleset
from pingtai_cli.vocab import label_of


def _catalog_entry(key: str) -> Any:
    from pingtai_cli.intake.materials import catalogue

    return catalogue().get(key)


def applies(req: MaterialReq, facts: dict[str, Fact]) -> bool:
    """A conditional material (xuchang 纳税证明 for non-legal-person branches) applies only when its `when` holds."""
    if req.when is None:
        return True
    fact = facts.get(req.when.field)
    return fact is not None and fact.value == req.when.equals


def _files_for(key: str, dossier: Dossier) -> list[MaterialFile]:
    return [f for f in dossier.files if key in f.material_keys]


def _elsewhere(key: str, dossier: Dossier) -> tuple[str, str] | None:
    """(satisfied_by, where) when a list sheet or a report section stands in for the file."""
    entry = _catalog_entry(key)
    sheet = getattr(entry, "sheet", None)
    if sheet and dossier.lists.get(sheet):
        ev = dossier.list_evidence.get(sheet)
        where = ev.describe() if ev else (dossier.workbook or "申请表")
        return "sheet", where
    for word in getattr(entry, "report_sections", ()) or ():
        for heading in dossier.report_sections:
            if word in vocab.fold(heading):  # the catalogue's words are folded (其它 as 其他)
                return "report_section", f"申请报告“{heading}”"
    return None


class Doubt(str):
    """A validity check that cannot decide, saying why: the material goes to review with it."""


def _validity_problems(
    req: MaterialReq, files: list[MaterialFile], as_of: date, submitted: date | None = None
) -> tuple[list[str], list[str]]:
    """(problems, doubts): problems make the material invalid; doubts send it to review, each
    saying why ("" for a check with nothing to go on)."""
    problems: list[str] = []
    doubts: list[str] = []
    for rule in req.validity:
        verdict = VALIDITY[rule](files, submitted or as_of if rule == "as_of_month" else as_of)
        if verdict is None or isinstance(verdict, Doubt):
            doubts.append(verdict or "")
        elif verdict:
            problems.append(verdict)
    return problems, doubts


def _seal(files: list[MaterialFile], as_of: date) -> str | None:
    seals = [f.facts["has_seal"] for f in files if "has_seal" in f.facts]
    if not seals:
        return None
    if any(s.value is True for s in seals):
        return ""
    unknown = [s for s in seals if s.value is None]  # a grey scan, or only a faint pink ring
    if unknown:
        seen = "；".join(f"{s.evidence.describe() if s.evidence else ''}：{s.raw}" for s in unknown)
        return Doubt(f"{seen}。请核对原件或清晰的彩色扫描件")
    return "未检测到红色公章（要求加盖申报单位公章）"


def _previous_year(files: list[MaterialFile], as_of: date) -> str | None:
    years = [int(f.facts["audit_year"].value) for f in files if "audit_year" in f.facts]
    if not years:
        return None
    want = as_of.year - 1
    return "" if want in years else f"审计年度为{'、'.join(map(str, sorted(set(years))))}年，应为上一年度（{want}年）"


def submission_date(dossier: Dossier, as_of: date) -> tuple[date, str]:
    """The date the dossier is submitted (spec §3 --as-of): its 填报日期 when it states one, else
    the check date; with the words naming which. A 填报日期 written to the month (2026年3月) is
    the 1st of it here, a day nobody wrote: the only validity kind that reads it (提交当月,
    `_as_of_month`) compares months, and the words give the month as written."""
    fact = dossier.facts.get("application_date")
    if fact is not None and isinstance(fact.value, date) and not year_only(fact):  # a year names no month
        return fact.value, f"填报日期 {date_text(fact)}"
    return as_of, f"检查日 {as_of.isoformat()}"


def _as_of_month(files: list[MaterialFile], as_of: date) -> str | None:
    """`as_of` here is the submission date (填报日期, else the check date)."""
    dates = [f.facts["report_date"].value for f in files if "report_date" in f.facts]
    dates = [d for d in dates if isinstance(d, date)]
    if not dates:
        return None
    ok = any((d.year, d.month) == (as_of.year, as_of.month) for d in dates)
    shown = "、".join(d.isoformat() for d in dates)
    return "" if ok else f"报告日期为{shown}，应为提交当月（{as_of.year}年{as_of.month}月）"


def submission_month_findings(ruleset: Ruleset, dossier: Dossier, as_of: date) -> list[Finding]:
    """When the 填报日期 and the check date fall in different months, "提交当月" reads differently
    by each: say which is applied and what the other gives (spec §3)."""
    fact = dossier.facts.get("application_date")
    if fact is None or not isinstance(fact.value, date) or year_only(fact):
        return []
    filed = fact.value
    if (filed.year, filed.month) == (as_of.year, as_of.month):
        return []
    written = f"{filed.year}年{filed.month}月"  # a month-precision 填报日期 is shown as written, no day
    filed_text = written if month_only(fact) else f"{filed.isoformat()}（{written}）"
    out = []
    for req in ruleset.materials:
        if "as_of_month" not in req.validity:
            continue
        files = [f for f in _files_for(req.key, dossier) if not f.error]
        by_filed, by_check = _as_of_month(files, filed), _as_of_month(files, as_of)
        if by_filed is None:
            continue
        word = lambda v: "符合" if v == "" else "不符合"  # noqa: E731
        msg = (
            f"{req.article}“提交材料当月”：按填报日期 {filed_text}核对，"
            f"“{req.name}”{word(by_filed)}；按检查日 {as_of.isoformat()}（{as_of.year}年{as_of.month}月）则{word(by_check)}。"
            "pingtai 以填报日期为提交日期；两者不同，请确认实际提交月份。"
        )
        severity: Severity = "warning" if word(by_filed) != word(by_check) else "info"
        out.append(Finding("materials.submission_month", severity, msg, [f.path for f in files], "application_date", fact.evidence))
    return out


VALIDITY = {"seal": _seal, "previous_year": _previous_year, "as_of_month": _as_of_month}


def _unproven(key: str, files: list[MaterialFile]) -> str | None:
    """Why readable files may not be the material: they yield none of the facts a genuine one shows."""

    entry = _catalog_entry(key)
    shows = getattr(entry, "shows", ())
    if not shows or any(k in f.facts for f in files for k in shows):
        return None
    words = "、".join(label_of(k) for k in shows)
    return f"未能从{'、'.join(f.path for f in files)}中读出{words}，无法确认是“{entry.name}”"


def check_material(req: MaterialReq, dossier: Dossier, as_of: date) -> MaterialResult:
    """`as_of` is the check date; 提交当月 is checked against the submission date."""
    base: dict[str, Any] = {"id": req.key, "code": req.code, "name": req.name, "article": req.article, "quote": req.quote, "required": req.required}
    files = _files_for(req.key, dossier)
    readable = [f for f in files if not f.error]
    other = _elsewhere(req.key, dossier)
    if files and not readable and not other:  # named like the material, but nothing in it can be read
        problems = [f"{f.path}：{f.error}" for f in files]
        names = [f.path for f in files]
        if any(f.unchecked for f in files):  # pingtai's own limit or format: a person must look
            return MaterialResult(status="review", files=names, satisfied_by="file", problems=problems, **base)
        return MaterialResult(status="invalid", files=names, satisfied_by="file", problems=problems, fix=_fix(req, problems), **base)
    if readable:
        problems, doubts = _validity_problems(req, readable, as_of, submission_date(dossier, as_of)[0])
        problems = [p for p in problems if p]
        names = [f.path for f in readable]
        if problems:
            return MaterialResult(status="invalid", files=names, satisfied_by="file", problems=problems, fix=_fix(req, problems), **base)
        doubt = _unproven(req.key, readable)
        if doubt and all(f.content_keys and req.key not in f.content_keys for f in readable):
            # its own text says it is another document (an audit report named 营业执照)
            from pingtai_cli.intake.materials import name_of

            shown = "、".join(dict.fromkeys(name_of(k) for f in readable for k in f.content_keys))
            doubt += f"，其内容是“{shown}”"
            return MaterialResult(status="invalid", files=names, satisfied_by="file", problems=[doubt], fix=_fix(req, [doubt]), **base)
        if doubts or doubt:
            said = [d for d in doubts if d]
            note = doubt or "；".join(said) or "无法自动核实有效性（" + "、".join(_checks(v) for v in req.validity) + "），请人工核对"
            return MaterialResult(status="review", files=names, satisfied_by="file", problems=[note], **base)
        return MaterialResult(status="present", files=names, satisfied_by="file", **base)
    if other:
        return MaterialResult(status="present", files=[other[1]], satisfied_by=other[0], **base)
    fix = f"补充“{req.name}”（{req.article}）。" + (f"注意：{req.copy_kind}。" if req.copy_kind != "原件或复印件" else "")
    return MaterialResult(status="missing", fix=fix, **base)


def _checks(kind: str) -> str:
    """What a validity kind's check reads from the file (公章, 审计年度), from vocab/validity.yaml."""
    v = vocab.get().validity.get(kind)
    return v.checks if v else kind


def _fix(req: MaterialReq, problems: list[str]) -> str:
    return f"重新提供符合要求的“{req.name}”：{'；'.join(problems)}（{req.article}：“{req.quote}”）。"


def contradicted(materials: list[MaterialResult], findings: list[Finding]) -> None:
    """A file the workbook contradicts (a consistency error names it) does not prove what the
    form claims: its material becomes invalid, so the verdict cannot be eligible (spec §3)."""
    for finding in findings:
        if not finding.id.startswith("consistency.") or not finding.files:
            continue
        certain = finding.severity == "error"
        if not certain and not finding.id.endswith("_unsure"):
            continue
        material = COMPARED.get(finding.field or "")
        for m in materials:
            if m.id != material:
                continue  # the licence under a name that also says 网站备案 is not a second culprit
            if m.satisfied_by == "file" and m.status in ("present", "review") and set(finding.files) & set(m.files):
                m.problems.append(finding.message)
                if certain:  # both values read with certainty: the file does not prove the claim
                    m.status = "invalid"
                    m.fix = f"核对“{m.name}”与申请表，更正有误的一方（{m.article}）。"
                elif m.status != "invalid":  # a reading that may be wrong never invalidates alone
                    m.status = "review"
                    m.disputed = True
                    m.fix = f"核对“{m.name}”原件与申请表，确认哪一方正确（{m.article}）。"


def list_minimum_findings(ruleset: Ruleset, dossier: Dossier) -> list[Finding]:
    """A list the text's 申请报告 layout asks for with at least N rows, given with fewer."""
    layout = ruleset.application_report
    if layout is None:
        return []
    out = []
    for need in layout.list_minimums:
        rows = dossier.lists.get(need.list)
        if rows is None or len(rows) >= need.min:
            continue
        ev = dossier.list_evidence.get(need.list)
        msg = (
            f"{vocab.get().lists[need.list].name}只列出 {len(rows)} 家（个），{need.article}“{need.quote}”要求申请报告中"
            f"至少 {need.min} 家：请在申请报告中补足名单（差 {need.min - len(rows)} 家）。"
        )
        files = [ev.file] if ev else []
        out.append(Finding(f"report.list_minimum.{need.list}", "warning", msg, files, None, ev))
    return out


def with_declared_materials(ruleset: Ruleset, dossier: Dossier) -> Dossier:
    """The dossier with its files also recognised as the materials the ruleset declares
    (`new_materials`: a file whose name or folder holds one of the keywords). A copy: the
    same dossier is checked against other rulesets too."""
    import dataclasses

    if not ruleset.new_materials:
        return dossier

    fold = vocab.fold  # as the catalogue's words are matched: full-width folded, 其它 as 其他

    files = []
    for f in dossier.files:
        name = fold(f.path)
        hits = [(m.key, w) for m in ruleset.new_materials for w in m.keywords + m.titles if fold(w) in name]
        if hits and hits[0][0] not in f.material_keys:
            key, word = hits[0]
            f = dataclasses.replace(f, material_keys=[*f.material_keys, key],
                                    matched_by=[*f.matched_by, f"文件名含“{word}”（规则文件声明的材料）"])
        files.append(f)
    return dataclasses.replace(dossier, files=files)


def check_materials(ruleset: Ruleset, dossier: Dossier, facts: dict[str, Fact], as_of: date) -> list[MaterialResult]:
    dossier = with_declared_materials(ruleset, dossier)
    results = [check_material(req, dossier, as_of) for req in ruleset.materials if applies(req, facts)]
    missing = missing_report_sections(ruleset, dossier)
    for m in results:
        if m.id == "application_report" and m.status == "present" and missing:
            m.status = "review"
            layout = ruleset.application_report
            where = f"{layout.article}" if layout else ""
            m.problems.append(f"申请报告缺少{where}要求的章节：{'；'.join(missing)}")
            m.fix = f"按{where}“{layout.quote if layout else ''}”补齐章节：{'；'.join(missing)}。"
    short = list_minimum_findings(ruleset, dossier)
    for m in results:
        if m.id == "application_report" and short:
            m.problems += [f.message for f in short]
    return results


def _section_core(text: str) -> str:
    """`（一）申请单位的基本情况（包括：…）；` → `申请单位的基本情况`: what a heading must carry."""
    text = re.sub(r"[（(]包括[^）)]*[）)]", "", text)
    text = re.sub(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])", "", text)
    return re.sub(r"[\s；;。.，,]", "", text)


def missing_report_sections(ruleset: Ruleset, dossier: Dossier) -> list[str]:
    """Sections the text's 申请报告 layout lists that no heading of the dossier's report carries."""
    layout = ruleset.application_report
    if layout is None or not dossier.report_sections:
        return []
    have = [_section_core(h) for h in dossier.report_sections]
    out = []
    for section in layout.sections:
        core = _section_core(section)[:8]
        if core and not any(core in h or h[:8] == core for h in have):
            out.append(section.rstrip("；;。"))
    return out
