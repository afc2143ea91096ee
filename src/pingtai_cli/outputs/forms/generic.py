"""Generic forms for a jurisdiction that has no templates: built from its ruleset, never nothing.

A bureau that adds its own 办法 (`pingtai rules new`) has no Word templates yet, and some texts
attach none (shaoguan). `fill-forms` then writes, per dossier, a 推荐表 and a 申请表 in a plain
general layout — the applicant's facts against each condition of the ruleset, with its article —
and the materials list. They say in their title that they are not the official layout.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import Dossier
from pingtai_cli.engine.checks import STATUS_WORDS
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.outputs.forms.render import format_value
from pingtai_cli.outputs.skeleton import build_skeleton, materials_markdown
from pingtai_cli.rules.schema import Rule, Ruleset
from pingtai_cli.vocab import label_of, unit_of

GENERIC = "（通用格式）"
FILES = ("推荐表（通用格式）.docx", "申请表（通用格式）.docx", "材料清单.md")
HEAD_FACTS = ("org_name", "platform_name", "credit_code", "org_type", "registration_date", "region",
              "legal_representative", "contact_person", "contact_phone")


def targets(folder: Path) -> list[Path]:
    return [folder / name for name in FILES]


def _value(dossier: Dossier, key: str) -> str:

    fact = dossier.facts.get(key)
    if fact is None or fact.value in (None, ""):
        return ""
    unit = fact.unit or unit_of(key) or ""
    text = format_value(fact.value)
    return f"{text}{unit}" if unit and isinstance(fact.value, int | float) and not isinstance(fact.value, bool) else text


def _table(doc: Any, head: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _condition_rows(rs: Ruleset, dossier: Dossier, as_of: date) -> list[list[str]]:
    """条件 | 要求 | 申报情况 | 依据, for the basic conditions and the declared functions."""

    result = evaluate(dossier, rs, as_of)
    rows = []
    for r in result.conditions:
        actual = "" if r.actual is None or isinstance(r.actual, list) else fmt(r.actual)
        if actual and isinstance(r.actual, int | float) and not isinstance(r.actual, bool):
            actual += r.unit or ""
        rows.append([r.name, r.required or "", f"{actual} {STATUS_WORDS.get(r.status, r.status)}".strip(), r.article])
    for item in (result.functions.items if result.functions else []):
        if item.declared:
            rows.append([f"【{item.name}】", "", STATUS_WORDS.get(item.status, item.status), item.article])
    return rows


def recommendation_form(rs: Ruleset, dossier: Dossier, as_of: date, out: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading(f"{rs.document.recognition_title}推荐表{GENERIC}", level=1)
    doc.add_paragraph(f"依据：{rs.document.cited}。本表由 pingtai 按规则文件生成，不是官方格式；"
                      "当年申报通知规定了表格格式的，以通知为准。")

    _table(doc, ["项目", "内容"], [[label_of(k), _value(dossier, k)] for k in HEAD_FACTS])
    doc.add_heading("认定条件对照", level=2)
    _table(doc, ["条件", "要求", "申报情况", "依据"], _condition_rows(rs, dossier, as_of))
    doc.add_heading("推荐单位意见", level=2)
    doc.add_paragraph("\n\n推荐单位（盖章）：                    日期：    年  月  日")
    doc.save(str(out))


def application_form(rs: Ruleset, dossier: Dossier, as_of: date, out: Path) -> None:
    from docx import Document


    sk = build_skeleton(rs, as_of)
    doc = Document()
    doc.add_heading(f"{sk.title}{GENERIC}", level=1)
    doc.add_paragraph(f"依据：{sk.document}。栏目按规则文件所需的数据列出，已填入卷宗中读到的数据；空白处请补填。")
    for section in sk.sections:
        doc.add_heading(section.title, level=2 if section.level == 1 else 3)
        _table(doc, ["栏目", "填报内容", "说明"], [[row.label, _value(dossier, row.key), row.hint] for row in section.rows])
    doc.save(str(out))


def materials_list(rs: Ruleset, as_of: date, out: Path) -> None:

    out.write_text(materials_markdown(build_skeleton(rs, as_of)), encoding="utf-8")


def write_generic(rs: Ruleset, dossier: Dossier, folder: Path, as_of: date,
                  write: Callable[[Path, Callable[[Path], Any]], Any]) -> list[Path]:
    """The three generic files for one dossier, each written through `write` (atomic, no overwrite)."""
    makers: list[Callable[[Path], Any]] = [
        lambda p: recommendation_form(rs, dossier, as_of, p),
        lambda p: application_form(rs, dossier, as_of, p),
        lambda p: materials_list(rs, as_of, p),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for target, make in zip(targets(folder), makers, strict=True):
        write(target, make)
        written.append(target)
    return written


__all__ = ["FILES", "Rule", "targets", "write_generic"]
