"""Open a dossier (a folder or a .zip), read its workbook and classify every other file.

The dossier is untrusted: a broken, hostile or oversized file costs one
finding and reading goes on. Nothing is ever written inside the dossier; zip
members are read in memory. Work is bounded by `Limits` (files, bytes, pages,
OCR'd pages, pixels, compression ratio).

Three modules, in the order of the reading: intake/listing.py lists the files safely (folder or
zip), intake/classify.py makes one file a MaterialFile (`process_file(name, bytes, limits)`, a
pure function of its arguments, the seam where the extraction cache fits), and this one picks
the 申请表 workbook, spends the OCR budget across the files and gathers the findings.
The names other code imports from here (process_file, kind_of, decode_member_name, …) still work.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from pingtai_cli.core.errors import DossierError
from pingtai_cli.core.models import Dossier, Finding, MaterialFile
from pingtai_cli.intake.classify import (
    OCR_REFUSED,
    assign_keys,
    failure_reason,
    kind_of,
    process_file,
)
from pingtai_cli.intake.facts.crosscheck import merge_forms
from pingtai_cli.intake.limits import Limits
from pingtai_cli.intake.listing import (
    Entry,
    book_rank,
    decode_member_name,
    is_book,
    open_listing,
    unsafe_member_name,
    zip_reason,
)
from pingtai_cli.intake.sources.common import NotChecked, UnreadableFile

__all__ = ["read_dossier", "process_file", "kind_of", "open_listing", "decode_member_name", "unsafe_member_name",
           "zip_reason", "Entry"]

def read_dossier(path: Path, *, limits: Limits | None = None) -> Dossier:
    """Everything pingtai reads from one dossier; raises DossierError only when the path itself fails."""
    limits = limits or Limits()
    dossier = Dossier(path=str(path))
    with open_listing(path, limits) as listing:
        if not listing.entries and not listing.findings:
            raise DossierError(f"{path} 中没有任何文件，不是申报卷宗（路径写错了？）")
        dossier.findings += listing.findings
        workbook, others = _pick_workbook(listing.entries, dossier)
        if workbook is not None:
            _read_workbook(workbook, dossier)
        ocr_used, starved = 0, False
        for entry in others:
            budget = min(limits.max_ocr_pages, max(0, limits.max_ocr_total - ocr_used))
            material = _process_entry(entry, replace(limits, max_ocr_pages=budget))
            if workbook is not None and is_book(entry.name) and not material.error:
                _other_form(entry, material)
            ocr_used += material.ocr_pages
            starved |= budget < limits.max_ocr_pages and any(
                OCR_REFUSED in n for n in material.notes
            )
            dossier.files.append(material)
            dossier.findings += _file_findings(material)
        if starved:
            dossier.findings.append(
                Finding(
                    "dossier.ocr_budget",
                    "warning",
                    f"本卷宗文字识别页数已达上限（{limits.max_ocr_total}页），"
                    "其余扫描页未识别，材料识别可能不完整",
                    [],
                )
            )
    dossier.report_sections = _report_sections(dossier.files)

    merge_forms(dossier)
    return dossier


def _process_entry(entry: Entry, limits: Limits) -> MaterialFile:

    try:
        data = entry.load()
    except UnreadableFile as exc:
        material = MaterialFile(path=entry.name, kind=kind_of(entry.name), error=str(exc))
        material.unchecked = isinstance(exc, NotChecked)
        from pingtai_cli.intake.materials import classify_name

        assign_keys(material, classify_name(entry.name))
        return material
    material = process_file(entry.name, data, limits)
    material.sha256 = hashlib.sha256(data).hexdigest()
    return material


GUIDES = {"README.txt", "材料清单.md"}  # what `pingtai init` writes beside the 申请表: no material


def _file_findings(material: MaterialFile) -> list[Finding]:
    out = []
    if material.error:
        out.append(
            Finding(
                "file.unreadable", "error", f"{material.path}：{material.error}", [material.path]
            )
        )
    for note in material.notes:
        out.append(Finding("file.partial", "warning", f"{material.path}：{note}", [material.path]))
    if not material.material_keys and not material.error and material.path not in GUIDES:
        out.append(
            Finding(
                "file.unclassified",
                "info",
                f"{material.path}：未能识别为任何申报材料（文件名和内容均无匹配）",
                [material.path],
            )
        )
    return out


def _pick_workbook(entries: list[Entry], dossier: Dossier) -> tuple[Entry | None, list[Entry]]:
    """The 申请表 workbook (one named like 申请表 when there are several) and every other file."""
    books = [e for e in entries if is_book(e.name)]
    if not books:
        dossier.findings.append(
            Finding(
                "workbook.missing",
                "error",
                # left only when no Word or PDF file gave the 申请表 either (crosscheck.py)
                "卷宗中没有Excel申请表（.xlsx/.xlsm/.xls），Word或PDF文件（申请报告、申请表）中也没有读到"
                "申请表的数据（表格中“项目 | 内容”的各格，或正文中“资产总额：320万元”这样的各行），"
                "无法读取申报数据：请附上申请表，或在申请报告中按此填写",
                [],
            )
        )
        return None, entries
    chosen = min(books, key=lambda e: book_rank(e.name))
    if len(books) > 1:
        rest = "、".join(e.name for e in books if e is not chosen)
        dossier.findings.append(
            Finding(
                "workbook.several",
                "warning",
                f"卷宗中有多个Excel文件，以“{chosen.name}”为申请表；其余（{rest}）作为材料文件处理，"
                "其中内容为申请表的，其数据与之比对（见一致性检查）",
                [e.name for e in books],
            )
        )
    return chosen, [e for e in entries if e is not chosen]


FORM_LEAST = 3  # facts of the 申请表 a second workbook states before it counts as another 申请表


def _other_form(entry: Entry, material: MaterialFile) -> None:
    """A second workbook that reads as a 申请表 (申请表（修改版）.xlsx beside 申请表.xlsx) keeps its
    facts as the file's `form`: they are not merged into the dossier's (which version is the one
    submitted is not for pingtai to guess), the engine sets them against the workbook's
    (engine/consistency.py `rivals`)."""
    from pingtai_cli.intake.cached import workbook

    try:
        result = workbook(entry.load(), entry.name)
    except Exception:  # noqa: BLE001 - a material file that does not parse as a form is just a file
        return
    broken = [f for f in result.findings if f.id == "read.workbook_unreadable"]
    if broken:  # a broken file is a finding, and a 申请表 that cannot be read cannot be compared
        material.error = broken[0].message.split("无法读取：", 1)[-1]
        return
    if len(result.facts) >= FORM_LEAST:
        material.form = result
        if "application_form" not in material.material_keys:
            material.material_keys.append("application_form")
            material.matched_by.append("申请表：内容为申请表（另一份Excel申请表）")


def _read_workbook(entry: Entry, dossier: Dossier) -> None:
    """Facts, yearly table and lists of the 申请表 into the dossier; a broken workbook is a finding."""
    material = MaterialFile(
        path=entry.name,
        kind="xlsx",
        material_keys=["application_form"],
        matched_by=["申请表：卷宗中的Excel申请表"],
    )
    dossier.workbook = entry.name
    dossier.files.append(material)
    try:
        from pingtai_cli.intake.cached import workbook

        data = entry.load()
        material.sha256 = hashlib.sha256(data).hexdigest()
        result = workbook(data, entry.name)
    except Exception as exc:  # the reader reports bad cells itself; this is the whole file failing
        material.error = failure_reason(exc)
        dossier.findings.append(
            Finding(
                "file.unreadable",
                "error",
                f"{entry.name}：申请表无法读取：{material.error}",
                [entry.name],
            )
        )
        return
    dossier.facts.update(result.facts)
    dossier.yearly = list(result.yearly)
    dossier.lists = dict(result.lists)
    dossier.list_evidence = dict(result.list_evidence)
    dossier.findings += list(result.findings)
    dossier.other_labels = dict(getattr(result, "other_labels", {}))


def _report_sections(files: list[MaterialFile]) -> list[str]:
    """Headings of the 申请报告: the .docx recognised as application_report (first one)."""
    for material in files:
        if material.kind == "docx" and "application_report" in material.material_keys:
            return list(material.sections)
    return []
