"""Word forms from docxtpl templates: the dossier's facts formatted for print, rendered safely.

A template is a .docx with Jinja tags (`{{ org_name }}`, `{%tr for p in staff %}`).
Shipped templates live in `templates/<jurisdiction>/<form-id>.docx`; a bureau may
bring its own (`--template-dir`), so rendering runs in a sandboxed Jinja
environment with autoescape on, and every value is plain text: a fact reading
`{{ 7*7 }}` or `<w:p>` prints as written. What the dossier lacks prints as a
blank line (underscores) for hand filling, and `blank_fields` says which.

Heavy libraries (docxtpl, python-docx) are imported inside functions.
"""

from __future__ import annotations

import copy
import functools
import io
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from pingtai_cli import vocab
from pingtai_cli.core.errors import PingtaiError
from pingtai_cli.core.models import Dossier
from pingtai_cli.engine.derive import declared_functions, month_only, year_only
from pingtai_cli.intake.sources.common import UnreadableFile
from pingtai_cli.intake.sources.docx import check_zip
from pingtai_cli.vocab import label_of

BLANK = "________"  # a line to write on by hand
BLANK_DATE = "______年____月____日"
MAX_TEXT = 4000  # characters of one value; a form cell holds far less
TEMPLATE_MAX_BYTES = 64 * 1024 * 1024  # uncompressed size of a template .docx
TEMPLATE_MAX_MEMBERS = 2000

YEARLY_ROWS = 3  # the forms ask for the recent years (近两年/近三年)


def list_fields() -> dict[str, tuple[str, ...]]:
    """Lists of the dossier and the keys of their rows (vocab/lists.yaml); `no` is the row number."""
    return {k: s.fields for k, s in vocab.get().list_sheets.items()}


def list_title(key: str) -> str | None:
    """主要管理人员和专业技术人员名单 for staff (yearly included); None for another key."""
    sheet = vocab.get().lists.get(key)
    return sheet.title if sheet else None

# Keys computed here from facts and lists, with their labels for the blank-field report.
COMPUTED_LABELS = {
    "staff_qualified_share": "专业人员占从业人数比例",
    "equipment_quantity_total": "仪器设备数量",
    "equipment_price_total": "仪器设备购买价格合计",
    "equipment_share": "仪器设备占总资产比例",
}
# Keys a caller adds for the jurisdiction (fill-forms does) and keys of summary forms.
JURISDICTION_KEYS = (
    "jurisdiction",
    "jurisdiction_name",
    "recognition_title",
    "document_title",
    "document_number",
)
SUMMARY_KEYS = ("dossiers", "dossier_count", "dossier_tally")
# Keys fill-forms adds from the check of the dossier (結论, the 测评 sample, the 审核意见).
CHECK_KEYS = (
    "verdict",
    "verdict_word",
    "verdict_reasons",
    "review_as_of",
    "review_conditions",
    "material_checklist",
    "to_confirm",
    "survey",
    "survey_note",
)
SURVEY_SIZE = 10  # xuchang 附件1: 推荐单位组织测评情况（随机抽取，不少于10家）
MAX_TO_CONFIRM = 40

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class FormError(PingtaiError):
    """A template cannot be read or rendered; the message names the file."""


# ---------------------------------------------------------------- values for print


def clean_text(value: str) -> str:
    """Plain text safe inside WordprocessingML: no XML-illegal control characters, bounded length."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "…（已截断）"
    return text


def format_number(value: float | int) -> str:
    """320.0 → 320, 0.5 → 0.5, 1234.5678 → 1234.57: at most two decimals, no thousands separator."""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def format_value(value: Any) -> str:
    """Any fact value as the text a form shows: 是/否, 2019年3月15日, 320, 信息、技术."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list | tuple | set):
        return "、".join(t for t in (format_value(v) for v in value) if t)
    return clean_text(str(value)).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


def _share(part: float | None, whole: float | None) -> str:
    if part is None or not whole:
        return ""
    return format_number(round(part / whole * 100, 1))


# ---------------------------------------------------------------- the context


def _rows(rows: Iterable[dict[str, Any]], fields: tuple[str, ...]) -> list[dict[str, str]]:
    out = []
    for i, row in enumerate(rows, start=1):
        # A value the reader could not interpret (no unit) prints as the person wrote it.
        item = {
            k: format_value(row.get(k) if row.get(k) is not None else row.get(f"{k}_raw"))
            for k in fields
        }
        item["no"] = str(i)
        out.append(item)
    return out


def _served_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Served SMEs, with 满意/不满意 ticks for the two columns of the xuchang table."""
    out = _rows(rows, list_fields()["served_smes"])
    for item in out:
        s = item["satisfaction"]
        unhappy = "不满意" in s or s in ("否", "×")
        happy = not unhappy and ("满意" in s or s in ("是", "√"))
        item["satisfied"] = "√" if happy else ""
        item["dissatisfied"] = "√" if unhappy else ""
    return out


def _partner_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Partners: the agreement's counterpart, what it serves (whatever column the sheet had) and
    when it was signed."""
    shaped = [{**r, "content": r.get("content") or r.get("service") or r.get("scope")} for r in rows]
    return _rows(shaped, list_fields()["partners"])


def _yearly_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    usable = [r for r in rows if _number(r.get("year")) is not None]
    usable.sort(key=lambda r: _number(r.get("year")) or 0)
    recent = usable[-YEARLY_ROWS:]
    return [{k: format_value(r.get(k)) for k in vocab.get().yearly.fields} for r in recent]


def _list_total(rows: list[dict[str, Any]], field: str) -> float | None:
    """The sum of a list column, or None when a row's value is missing or unreadable."""
    values = [_number(r.get(field)) for r in rows]
    if not rows or None in values:
        return None
    return sum(v for v in values if v is not None)


def _equipment_totals(dossier: Dossier, total_assets: float | None) -> dict[str, str]:
    """What the applicant declared on the form wins; else the totals of the equipment list."""
    rows = dossier.lists.get("equipment") or []
    qty = _number(dossier.value("equipment_quantity"))
    qty = _list_total(rows, "quantity") if qty is None else qty
    price = _number(dossier.value("equipment_price"))
    price = _list_total(rows, "price") if price is None else price
    return {
        "equipment_quantity_total": format_number(qty) if qty is not None else "",
        "equipment_price_total": format_number(price) if price is not None else "",
        "equipment_share": _share(price, total_assets),
    }


def _declared(
    dossier: Dossier, function_fields: Mapping[str, Iterable[str]]
) -> tuple[dict[str, bool], set[str]]:
    """(function → declared, the facts only undeclared functions test); nothing declared: all open.

    `function_fields` (function → the fact keys its rules test) comes from the ruleset, so the
    blank-field report leaves out exactly what the text asks of functions not applied for.
    """

    declared = declared_functions(dossier)
    shown = {name: not declared or name in declared for name in vocab.get().functions}
    fields = {name: set(keys) for name, keys in function_fields.items()}
    wanted = set().union(*(keys for name, keys in fields.items() if shown.get(name, True)))
    hidden = set().union(*(keys for name, keys in fields.items() if not shown.get(name, True)))
    return shown, hidden - wanted


def _unit_unsure(fact: Any) -> bool:
    """An amount whose unit no source states (a bare 3,200,000.00 under 资产总额, no document
    settling it): the check sends it to review; a form printing it in the key's unit (上年末资产总额
    3200000 万元) would forward a figure nobody wrote, so it is left blank for hand filling."""
    return fact is not None and bool(fact.sources) and all(e.how == "unit_inferred" for e in fact.sources)


def form_context(
    dossier: Dossier, function_fields: Mapping[str, Iterable[str]] | None = None
) -> dict[str, Any]:
    """Everything a template may print about one dossier, as text; missing facts as a blank line.

    Keys: every fact key of vocab/facts.yaml; staff / served_smes / equipment /
    partners (rows of text with `no`); yearly (the recent years, oldest first);
    *_count; staff_qualified_share, equipment_*; declared (function → bool);
    blank / blank_date (the markers);
    blank_fields (keys whose value is missing); dossier_name.
    """
    ctx: dict[str, Any] = {"blank": BLANK, "blank_date": BLANK_DATE}
    blanks: list[str] = []

    for fk in vocab.get().facts.values():
        fact = dossier.facts.get(fk.key)
        if year_only(fact):  # 2017年 as written, not 2017年1月1日
            text = f"{fact.value.year}年"  # type: ignore[union-attr]
        elif month_only(fact):  # print the date as written (2019年5月), not a day nobody wrote
            value = fact.value  # type: ignore[union-attr]
            text = f"{value.year}年{value.month}月"
        elif _unit_unsure(fact):  # 3,200,000.00 under 资产总额: not 3200000 万元 on a form sent on
            text = ""
        else:
            text = format_value(dossier.value(fk.key))
        if not text:
            blanks.append(fk.key)
            text = BLANK_DATE if fk.kind == "date" else BLANK
        ctx[fk.key] = text

    lists, fields = dossier.lists, list_fields()
    shaped = {"served_smes": _served_rows, "partners": _partner_rows}  # each list's rows made once
    for name, keys in fields.items():
        ctx[name] = shaped[name](lists.get(name) or []) if name in shaped else _rows(lists.get(name) or [], keys)
    for name, make in shaped.items():
        if name not in fields:
            ctx[name] = make(lists.get(name) or [])
    ctx["yearly"] = _yearly_rows(dossier.yearly)
    for name in (*fields, "yearly"):
        ctx[f"{name}_count"] = len(ctx[name])
        if not ctx[name]:
            blanks.append(name)

    total_assets = None if _unit_unsure(dossier.facts.get("total_assets")) else _number(dossier.value("total_assets"))
    computed = {
        "staff_qualified_share": _share(
            _number(dossier.value("staff_qualified")), _number(dossier.value("staff_total"))
        ),
        **_equipment_totals(dossier, total_assets),
    }
    for key, text in computed.items():
        if not text:
            blanks.append(key)
        ctx[key] = text or BLANK
    ctx["declared"], not_declared = _declared(dossier, function_fields or {})
    blanks = [k for k in blanks if k not in not_declared]
    ctx["satisfied_count"] = sum(1 for r in ctx["served_smes"] if r["satisfied"])
    ctx["dossier_name"] = clean_text(Path(dossier.path).name) if dossier.path else ""
    # Filled by fill-forms from the check (check_context, survey_sample); empty for a bare render.
    for key in CHECK_KEYS:
        ctx[key] = [] if key in ("review_conditions", "material_checklist", "to_confirm", "survey") else ""
    ctx["blank_fields"] = blanks
    return ctx


def summary_context(
    contexts: list[dict[str, Any]], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The context of a form over several dossiers: `dossiers` is their contexts, numbered.

    A summary row is a line of table cells, so a missing value is an empty cell there
    rather than a line to write on.
    """
    rows = [
        {**{k: "" if v in (BLANK, BLANK_DATE) else v for k, v in c.items()}, "no": str(i)}
        for i, c in enumerate(contexts, start=1)
    ]
    return {
        **(extra or {}),
        "dossiers": rows,
        "dossier_count": len(rows),
        "dossier_tally": dossier_tally(contexts),
        "blank": BLANK,
        "blank_date": BLANK_DATE,
    }


TALLY_ORDER = ("eligible", "review", "incomplete", "ineligible")


def dossier_tally(contexts: list[dict[str, Any]]) -> str:
    """共 8 个平台：符合条件 4、待审核 2、材料不全 2 — the rows counted by verdict, so that a row
    not recommended (材料不全) is never counted as recommended."""
    from pingtai_cli.outputs.report.labels import t

    head = f"共 {len(contexts)} 个平台"
    verdicts = [c.get("verdict") for c in contexts]
    if not any(verdicts):
        return head
    parts = [f"{t(f'verdict.{v}', 'zh')} {verdicts.count(v)}" for v in TALLY_ORDER if v in verdicts]
    return head + "：" + "、".join(parts)


def blank_label(key: str) -> str:
    """The Chinese name of a field left blank, for the command's message."""
    return list_title(key) or COMPUTED_LABELS.get(key) or label_of(key)


def variable_catalogue() -> list[tuple[str, str]]:
    """(variable, what it holds, in Chinese) for every variable a template may use."""
    v = vocab.get()
    out = [(fk.key, fk.labels[0] + (f"（{fk.unit}）" if fk.unit else "")) for fk in v.facts.values()]
    for name, sheet in v.list_sheets.items():
        out.append((name, f"{sheet.title}：逐行，每行有 no、{'、'.join(sheet.fields)}"))
        out.append((f"{name}_count", f"{sheet.title}的行数"))
    out.append(("yearly", f"{v.yearly.title}：逐年，每行有 {'、'.join(v.yearly.fields)}"))
    out.append(("yearly_count", "年度经营数据的年数"))
    out += list(COMPUTED_LABELS.items())
    out += [
        ("declared", "申报的服务功能：declared.information 等为真时已申报"),
        ("satisfied_count", "服务企业名单中满意的企业数"),
        ("blank", "手写用的空白横线"),
        ("blank_date", "手写用的空白日期"),
        ("blank_fields", "没有数据的变量名列表"),
        ("dossier_name", "卷宗文件夹名"),
        ("jurisdiction", "地区键，如 xuchang"),
        ("jurisdiction_name", "地区名称"),
        ("recognition_title", "认定名称"),
        ("document_title", "办法名称及文号"),
        ("document_number", "办法文号"),
        ("verdict", "检查结论：eligible / ineligible / incomplete / review"),
        ("verdict_word", "检查结论（中文），汇总表的“结论”栏"),
        ("verdict_reasons", "结论的理由"),
        ("review_as_of", "检查日"),
        ("review_conditions", "审核意见表：逐项条件，每行有 no、article、name、result、evidence"),
        ("material_checklist", "附报材料目录：逐项材料，每行有 no、tick（☑/☐）、name、article、detail"),
        ("to_confirm", "需审核人员确认的事项：每行有 no、text"),
        ("survey", "测评企业（从服务企业名单随机抽取，不少于10家）：每行有 no、name、contact、phone"),
        ("survey_note", "测评企业的抽取方法与随机种子"),
        ("dossiers", "汇总表：逐个平台，每项有以上各变量及 no"),
        ("dossier_count", "汇总表：平台个数"),
        ("dossier_tally", "汇总表：平台个数及各结论的个数，如“共 8 个平台：符合条件 4、待审核 2、材料不全 2”"),
    ]
    return out


def context_keys() -> set[str]:
    """Every top-level variable a template can rely on (what `templates check` accepts)."""
    keys = set(form_context(Dossier(path="")))
    return keys | set(JURISDICTION_KEYS) | set(SUMMARY_KEYS) | set(CHECK_KEYS)


# ---------------------------------------------------------------- from the check of the dossier


def survey_sample(
    dossier: Dossier, seed: int, size: int = SURVEY_SIZE, served: list[dict[str, str]] | None = None
) -> tuple[list[dict[str, str]], str]:
    """The served SMEs the bureau calls for its 测评, drawn at random from the served-SME list
    (`served`: its rows as form_context made them, when the caller has them).

    The draw is `random.Random` seeded with the stated seed and the dossier's identity (its credit
    code, else its folder name): the same dossier and seed always give the same companies, and two
    dossiers of one intake get independent draws. Rows keep the list's order.
    """
    import random

    if served is None:
        served = _rows(dossier.lists.get("served_smes") or [], list_fields()["served_smes"])
    # one company once: a list of one row per service given names a company served twice twice,
    # and the 测评 asks companies (随机抽取，不少于10家); its first row gives contact and phone
    firsts: dict[str, dict[str, str]] = {}
    for r in served:
        firsts.setdefault(re.sub(r"\s+", "", r["name"]), r)
    rows = [r for key, r in firsts.items() if key]
    identity = format_value(dossier.value("credit_code")) or Path(dossier.path).name
    if len(rows) <= size:
        picked = rows
        note = (
            f"测评企业：服务企业名单共 {len(rows)} 家，不足 {size} 家，已全部列入，其余请推荐单位补充。"
            if rows
            else f"测评企业：卷宗中没有服务企业名单，请推荐单位自行抽取不少于 {size} 家。"
        )
    else:
        chosen = sorted(random.Random(f"{seed}|{identity}").sample(range(len(rows)), size))
        picked = [rows[i] for i in chosen]
        note = (
            f"测评企业：从服务企业名单 {len(rows)} 家中随机抽取 {size} 家（随机种子 {seed}，"
            f"以“{identity}”区分卷宗；同一卷宗、同一种子抽取结果相同）。"
        )
    out = [{"no": str(i), "name": r["name"], "contact": r["contact"], "phone": r["phone"]} for i, r in enumerate(picked, 1)]
    return out, note


def check_context(result: Any, lang: str = "zh") -> dict[str, Any]:
    """What the check says of the dossier, for the 结论 column and the 审核意见 (text only)."""
    return check_parts(result, lang)[0]


def check_parts(result: Any, lang: str = "zh") -> tuple[dict[str, Any], list[str]]:
    """check_context, and what its 需确认事项 (to_confirm) say before the findings (review_items):
    findings a batch adds to the result later change only those (confirm_rows)."""
    from pingtai_cli.outputs.report.view import build_view, verdict_word

    view = build_view(result, lang)
    review = review_items(view)
    conditions = []
    for group in ("basic", "functions", "exclusions"):
        for row in reported_rows(view, group):
            evidence = "；".join(x for x in (_measure(row), *row.evidence, *row.notes) if x)
            conditions.append(
                {"article": row.article, "name": row.name, "result": row.word, "evidence": form_text(evidence)}
            )
    checklist = []
    for row, m in zip(view.rows["materials"], result.materials, strict=True):
        # 已附 says whether the dossier holds the material, not whether it passed: an attached but
        # unsigned declaration is ☑ with its file and why it is not valid beside it
        tick = "☑" if m.files else "☐"
        attached = "、".join(m.files)
        detail = attached if m.status == "present" else "；".join(x for x in (attached, row.word, *m.problems) if x)
        checklist.append(
            {"tick": tick, "name": m.name + ("" if m.required else "（非必需）"), "article": m.article, "detail": clean_text(detail)}
        )
    return {
        "verdict": result.verdict,
        "verdict_word": verdict_word(result, lang),
        "verdict_reasons": form_text("；".join(result.reasons)) or "全部条件满足，材料齐全。",
        "review_as_of": format_date(result.as_of),
        "review_conditions": _numbered(conditions),
        "material_checklist": _numbered(checklist),
        "to_confirm": _numbered([{"text": form_text(x)} for x in _confirmed(review, view.rows["consistency"], result.error)]),
    }, review


def confirm_rows(review: list[str], result: Any, lang: str = "zh") -> list[dict[str, str]]:
    """check_context's to_confirm from its review_items and the result's findings as they are now
    (the findings are viewed, not the whole result)."""
    from pingtai_cli.outputs.report.view import NOT_IN_FORCE_ID, finding_row

    rows = [finding_row(f, lang) for f in result.findings if f.id != NOT_IN_FORCE_ID]  # build_view's
    return _numbered([{"text": form_text(x)} for x in _confirmed(review, rows, result.error)])


# A form is the bureau's document: it speaks of the text and the reviewer, not of the tool.
_TOOL_WORDS = ((re.compile(r"pingtai ?以"), "审核时以"), (re.compile(r"详见 ?pingtai check ?(报告)?"), "详见检查报告"))
_DOUBLED = ((re.compile(r"。+(?=[；，。])"), ""), (re.compile(r"([。！？])”。"), r"\1”"), (re.compile(r"；{2,}"), "；"))


def tidy_punctuation(text: str) -> str:
    """Sentences joined into one: “…不低于8人。；第七条…” → “…不低于8人；第七条…”, “…。”。” → “…。””."""
    for pattern, repl in _DOUBLED:
        text = pattern.sub(repl, text)
    return text


def form_text(text: str) -> str:
    """Text of the check as a form prints it: plain, in the official voice, punctuated once."""
    for pattern, repl in _TOOL_WORDS:
        text = pattern.sub(repl, text)
    return clean_text(tidy_punctuation(text))


def reported_rows(view: Any, group: str) -> list[Any]:
    """A group's rows as a form reports them: a service function the applicant did not declare is
    one line (未申报), its conditions are not listed (they are no gap of this dossier)."""
    out, off = [], False
    for row in view.rows[group]:
        if group == "functions" and row.depth == 1:
            off = row.status == "not_declared"
        elif group == "functions" and row.depth == 2 and off:
            continue
        out.append(row)
    return out


def _measure(row: Any) -> str:
    if row.actual and row.required:
        return f"实际 {row.actual}，要求 {row.required}"
    return row.actual or ""


def to_confirm(view: Any) -> list[str]:
    """What the reviewer must still decide: review and relaxable items, other readings of a clause,
    materials to look at, and the findings (contradictions, duplicates, unreadable files)."""
    return _confirmed(review_items(view), view.rows["consistency"], view.result.error)


def review_items(view: Any) -> list[str]:
    """to_confirm's items from the conditions, functions, exclusions and materials."""
    out: list[str] = []
    for group in ("basic", "functions", "exclusions", "materials"):
        for row in reported_rows(view, group):
            head = " ".join(x for x in (row.article, row.name) if x)
            if row.status in ("review", "relaxable", "invalid"):
                out.append(f"{head}：{row.word}。{row.message}".rstrip("。") + "。")
            out += [f"{head}：{note}" for note in row.notes]
    return out


def _confirmed(review: list[str], consistency: list[Any], error: str | None) -> list[str]:
    """to_confirm from its review items, the findings' rows and the error of the check."""
    out = [*review, *(row.message for row in consistency if row.status in ("error", "warning"))]
    if error:
        out.insert(0, f"卷宗无法检查：{error}")
    unique = list(dict.fromkeys(out))
    if len(unique) > MAX_TO_CONFIRM:
        unique = [*unique[:MAX_TO_CONFIRM], f"……另有 {len(unique) - MAX_TO_CONFIRM} 项，详见 pingtai check 报告"]
    return unique


def _numbered(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{**r, "no": str(i)} for i, r in enumerate(rows, 1)]


# ---------------------------------------------------------------- rendering


# A bureau's template is code from outside: besides the sandbox's walls, what it can make is
# bounded (sizes of values and of the output, ranges, lipsum), and so are its time and memory.
TEMPLATE_MAX_VALUE = 100_000  # characters or items of one value a template computes
TEMPLATE_MAX_OUTPUT = 32 * 1024 * 1024  # characters of one rendered part (document.xml)
TEMPLATE_MAX_RANGE = 100_000  # items of one range()
TEMPLATE_MAX_POWER_BITS = 4096  # size of an integer `**` may make
TEMPLATE_SECONDS = 60.0  # one form
TEMPLATE_MEMORY = 512 << 20  # bytes of address space one render may add (a form needs a few MB)


@functools.cache
def _limit_error() -> type[Exception]:
    from jinja2.sandbox import SecurityError  # imported when a template is rendered, not before

    class TemplateLimit(SecurityError):
        """A bound of the sandbox was reached (a SecurityError, so Jinja treats it as one)."""

    return TemplateLimit


def _too_big(what: str) -> Exception:
    return _limit_error()(f"{what}超过模板允许的上限")


def _sized(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def _bounded_binop(operator: str, left: Any, right: Any) -> None:
    """Raise before an operator makes a huge value: 'a' * 10**9, 10 ** 10**9, s + s …"""
    import math

    ints = [x for x in (left, right) if isinstance(x, int) and not isinstance(x, bool)]
    sizes = [n for n in (_sized(left), _sized(right)) if n is not None]
    if operator == "*" and sizes and ints and max(sizes) * max(max(ints), 0) > TEMPLATE_MAX_VALUE:
        raise _too_big("重复（*）得到的文字或列表长度")
    if operator == "+" and len(sizes) == 2 and sum(sizes) > TEMPLATE_MAX_VALUE:
        raise _too_big("拼接（+）得到的文字或列表长度")
    power = operator == "**" and len(ints) == 2 and abs(left) > 1
    if power and right * math.log2(abs(left)) > TEMPLATE_MAX_POWER_BITS:
        raise _too_big("乘方（**）的结果")
    if operator == "%" and isinstance(left, str) and _wide_format(left):
        raise _too_big("格式化（%）的宽度")


# A field width of a hundred thousand or more: printf style (%1000000d, %*d) or str.format's.
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(?:\d{6,}|\*)|\{[^{}]*:[^{}]*?\d{6,}[^{}]*\}")


def _wide_format(text: str) -> bool:
    return bool(_WIDE_FORMAT.search(text))


def _bounded_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > TEMPLATE_MAX_RANGE:
        raise _too_big(f"range() 的长度（{len(rng)}，上限 {TEMPLATE_MAX_RANGE}）")
    return rng


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
    from jinja2.utils import generate_lorem_ipsum

    if n > 100 or max > 1000 or min > max:
        raise _too_big("lipsum() 的篇幅")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _bounded_concat(parts: Iterable[str]) -> str:
    """Join what a template printed, stopping at TEMPLATE_MAX_OUTPUT (a loop printing for ever)."""
    out: list[str] = []
    total = 0
    for part in parts:
        total += len(part)
        if total > TEMPLATE_MAX_OUTPUT:
            raise _too_big("填写结果的长度")
        out.append(part)
    return "".join(out)


_PADDING_METHODS = {"ljust", "rjust", "center", "zfill", "expandtabs"}


def _bounded_call(obj: Any, args: tuple[Any, ...]) -> None:
    """'x'.ljust(10**9), '{:>1000000000}'.format(1): a width past the value bound."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in _PADDING_METHODS and any(_huge(a) for a in args):
        raise _too_big(f"{name}() 的宽度")
    if name in ("format", "format_map") and _wide_format(owner):
        raise _too_big("格式化的宽度")


def _huge(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > TEMPLATE_MAX_VALUE


def _bounded_filter(name: str, filter_func: Any) -> Any:
    """center/indent/wordwrap with a huge width, format with a huge field width: refused."""
    @functools.wraps(filter_func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if name == "format":
            if args and isinstance(args[0], str) and _wide_format(args[0]):
                raise _too_big("格式化的宽度")
        elif any(_huge(v) for v in (*args[1:], *kwargs.values())):
            raise _too_big(f"{name} 的宽度")
        return filter_func(*args, **kwargs)

    return bounded


COMPILED_MAX = 64  # compiled template parts one environment keeps

T = TypeVar("T")


def kept(cache: dict[str, T], key: str, make: Callable[[], T]) -> T:
    """`cache[key]`, made once; a cache at COMPILED_MAX entries starts over (memory stays bounded)."""
    value = cache.get(key)
    if value is None:
        if len(cache) >= COMPILED_MAX:
            cache.clear()
        value = cache[key] = make()
    return value


def sandbox_env() -> Any:
    """A Jinja environment a template cannot escape from (no attribute tricks into Python), in
    which it cannot make huge values either."""
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})
        _compiled: dict[str, Any]

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _bounded_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            _bounded_call(__obj, args)
            return super().call(__context, __obj, *args, **kwargs)

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:  # noqa: A002
            # docxtpl compiles each part's XML on every render; the same template gives the same
            # XML, so one compile per part serves every dossier (the sandbox acts at run time).
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            return kept(self._compiled, source, lambda: super(BoundedSandbox, self).from_string(source))

    env = BoundedSandbox(autoescape=True)
    env._compiled = {}
    env.concat = _bounded_concat  # type: ignore[method-assign]
    env.globals["range"] = _bounded_range
    env.globals["lipsum"] = _bounded_lipsum
    for name in ("center", "indent", "wordwrap", "format"):
        env.filters[name] = _bounded_filter(name, env.filters[name])
    return env


def _check_template_file(template: Path) -> bytes:
    """A template is a bounded zip: refuse what is not one, or what inflates absurdly. Returns the
    bytes that were checked, so that what is rendered is exactly what was checked."""
    if not template.is_file():
        raise FormError(f"模板文件不存在：{template}")
    try:
        data = template.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise FormError(f"模板 {template} 不是有效的 Word（.docx）文件：{e}") from e
    if len(infos) > TEMPLATE_MAX_MEMBERS or sum(i.file_size for i in infos) > TEMPLATE_MAX_BYTES:
        raise FormError(f"模板 {template} 解压后过大，拒绝处理。")
    if not any(i.filename == "word/document.xml" for i in infos):
        raise FormError(f"模板 {template} 缺少 word/document.xml，不是 Word 文档。")

    try:  # a bureau's template is a file from elsewhere too: no DTD, no bomb in any part
        check_zip(data, max_bytes=TEMPLATE_MAX_BYTES).close()
    except UnreadableFile as e:
        raise FormError(f"模板 {template} 不安全，拒绝处理：{e}") from e
    return data


@dataclass
class Prepared:
    """A template read, checked and analysed once per process: its bytes, the names it reads,
    a sandbox whose compiled parts it reuses, and docxtpl's patched XML by source."""

    data: bytes
    variables: set[str]
    sandbox_env: Any  # one BoundedSandbox per template, so its compiled parts are this template's
    patched: dict[str, str] = field(default_factory=dict)
    lined: dict[str, str] = field(default_factory=dict)  # each part's source as docxtpl renders it
    known: dict[str, str] | None = None  # patched XML by its source's digest, from the cache
    master: Any = None  # the template opened once in this process; every render resets and reuses it
    # Every name any part docxtpl renders reads (body, headers and footers as `variables`, and the
    # core properties and footnotes besides); None when they could not all be told: a render is
    # then taken to read the whole context (see `renders_alike`).
    reads: frozenset[str] | None = None

    @functools.cached_property
    def digest(self) -> str:
        """The checked bytes' SHA-256: two processes holding the same digest render alike."""
        import hashlib

        return hashlib.sha256(self.data).hexdigest()


PREPARED_MAX = 32  # templates kept per process (a run uses a handful)
_prepared: dict[tuple[str, int, int], Prepared] = {}
PARSES = [0]  # templates read and analysed in this process (the cache's test counts them)


def prepared(template: Path) -> Prepared:
    """The template's Prepared, reused while the file keeps its path, mtime and size."""
    try:
        st = template.stat()
    except OSError as e:
        raise FormError(f"模板文件不存在：{template}") from e
    key = (str(template.resolve()), st.st_mtime_ns, st.st_size)
    found = _prepared.get(key)
    if found is None:
        found = _prepare(template)
        if len(_prepared) >= PREPARED_MAX:
            _prepared.clear()
        _prepared[key] = found
    return found


def _prepare(template: Path) -> Prepared:
    """The template read, checked and analysed. Its analysis in the cache (a run before analysed
    these bytes) leaves it unopened: a run whose forms all come from the cache (forms.stored)
    never imports docxtpl or parses a template; the first render opens it (`opened`)."""
    from jinja2 import TemplateError

    from pingtai_cli.intake import cache

    PARSES[0] += 1
    data = _check_template_file(template)
    env = sandbox_env()
    ready = Prepared(data, set(), env)
    key = _analysis_key(ready.digest) if cache.is_enabled() else None
    known = _known_analysis(cache.get(ANALYSIS, key)) if key else None
    if known is not None:
        ready.known = known["patched"]
        ready.variables, ready.reads = set(known["variables"]), _frozen(known["reads"])
        return ready
    tpl = _docx_template(template, ready)
    try:
        names = tpl.undeclared_variables(env)
    except TemplateError as e:
        raise FormError(f"模板 {template} 的标签有语法错误：{e}") from e
    except Exception as e:
        raise FormError(f"无法读取模板 {template}：{e}") from e
    ready.variables = names - set(env.globals)
    ready.reads = _reads(tpl, env, ready.variables)
    ready.master = Master(tpl)  # the package opened for the analysis renders the forms too
    if key:
        cache.put(ANALYSIS, key, _analysis(ready))
    return ready


def opened(template: Path, ready: Prepared) -> Any:
    """The template's Master, opened now if its analysis came from the cache."""
    if ready.master is None:
        ready.master = Master(_docx_template(template, ready))
    return ready.master


# What _prepare makes of a template's bytes (the names it reads, docxtpl's patched XML of each
# part) is kept in the extraction cache (`pingtai cache`), so that fill-forms does not analyse its
# templates again on every run: ~60 ms of one process before the batch's workers can fork.
ANALYSIS = "templates"  # the cache's namespace for them
ANALYSIS_FORMAT = 1  # changed whenever what _prepare derives changes: older entries then miss


def _analysis_key(digest: str) -> str:
    """The entry of the template with this digest, as this pingtai and these libraries analyse it
    (another version of any misses)."""
    import hashlib

    return hashlib.sha256(f"{ANALYSIS_FORMAT}|{library_stamp()}|{digest}".encode()).hexdigest()


# The libraries a form goes through (docxtpl, python-docx, Jinja and its escaping, lxml, and
# openpyxl for a summary's .xlsx): what they make of a template is cached under their stamp.
RENDER_LIBRARIES = ("docxtpl", "docx", "jinja2", "markupsafe", "lxml", "openpyxl")


@functools.cache
def library_stamp() -> str:
    """This pingtai's version and each render library's package file with its size and mtime, told
    without importing them (docxtpl and python-docx cost ~0.15 s to import): installing another
    version rewrites those files, so a cache entry made with the old one misses."""
    import importlib.util
    import os

    from pingtai_cli.core.version import __version__

    parts = [__version__]
    for name in RENDER_LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
            st = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            st = origin = None
        parts.append(f"{name}={origin}:{st.st_size}:{st.st_mtime_ns}" if st else f"{name}=?")
    return "|".join(parts)


def _analysis(ready: Prepared) -> dict[str, Any]:
    return {
        "variables": sorted(ready.variables),
        "reads": None if ready.reads is None else sorted(ready.reads),
        "patched": {_text_digest(src): patched for src, patched in ready.patched.items()},
    }


def _known_analysis(value: Any) -> dict[str, Any] | None:
    """A cached analysis in its shape, else None (a miss: the template is analysed again)."""
    if not isinstance(value, dict):
        return None
    variables, reads, patched = value.get("variables"), value.get("reads"), value.get("patched")
    if not (isinstance(variables, list) and all(isinstance(v, str) for v in variables)):
        return None
    if reads is not None and not (isinstance(reads, list) and all(isinstance(v, str) for v in reads)):
        return None
    if not (isinstance(patched, dict) and all(isinstance(v, str) for v in patched.values())):
        return None
    return value


def _frozen(names: list[str] | None) -> frozenset[str] | None:
    return None if names is None else frozenset(names)


def _text_digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# docxtpl's render_properties renders these core properties as templates too
RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _reads(tpl: Any, env: Any, variables: set[str]) -> frozenset[str] | None:
    """`variables` and the names the parts they leave out read: the core properties and the
    footnotes, which docxtpl renders with the same context; None when any cannot be parsed."""
    from jinja2 import meta

    names = set(variables)
    try:
        sources = [getattr(tpl.docx.core_properties, prop) or "" for prop in RENDERED_PROPERTIES]
        for part in tpl.docx._part.package.parts:
            if part.content_type == FOOTNOTES_TYPE:
                blob = part.blob
                sources.append(tpl.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob))
        for source in sources:
            if "{" in source:
                names |= meta.find_undeclared_variables(env.parse(source))
    except Exception:  # whatever docxtpl would make of it, the whole context then counts
        return None
    return frozenset(names - set(env.globals))


_ABSENT = object()


def renders_alike(template: Path, one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Whether `template` renders the same bytes (and reports the same blanks) from both contexts:
    equal in every name it reads, and in its blank_fields; the whole contexts when what it reads
    is not known."""
    reads = prepared(template).reads
    if reads is None:
        return dict(one) == dict(other)
    return all(one.get(k, _ABSENT) == other.get(k, _ABSENT) for k in (*reads, "blank_fields"))


def read_context(template: Path, context: dict[str, Any]) -> dict[str, Any]:
    """The part of `context` that `template` can read (every name any rendered part reads, and
    blank_fields): it renders alike; the whole context when what it reads is not known."""
    try:
        reads = prepared(template).reads
    except FormError:  # its render says what is wrong with it
        return context
    if reads is None:
        return context
    return {k: context[k] for k in (*reads, "blank_fields") if k in context}


def alike_key(template: Path, context: Mapping[str, Any]) -> tuple[str, bytes] | None:
    """A key two contexts share only if `template` renders alike from them (see renders_alike):
    its digest and the pickled values of every name it reads; None when what it reads is not
    known, or a value does not pickle. (Equal pickles are equal values; equal values may pickle
    apart, which only misses.)"""
    import pickle

    known = read_names(template)
    if known is None:
        return None
    digest, names = known
    try:
        values = pickle.dumps([(k, k in context, context.get(k)) for k in names], protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a value of the caller's own that does not pickle: rendered as it is
        return None
    return digest, values


def read_names(template: Path) -> tuple[str, list[str]] | None:
    """The template's digest and every context name its render reads, sorted; None when that is
    not known (a broken template, whose render says what is wrong with it, or one read whole)."""
    try:
        ready = prepared(template)
    except FormError:
        return None
    if ready.reads is None:
        return None
    return ready.digest, sorted({*ready.reads, "blank_fields"})


def warm(templates: Iterable[Path], open_them: bool = True) -> None:
    """Templates prepared, opened, their unchanging parts deflated and the parts a render fills
    compiled before worker processes fork, so that each worker inherits them instead of doing it
    again; a broken one is left for its render to report. Without `open_them`, a template whose
    analysis came from the cache is left unopened (its forms may all come from the cache)."""
    for template in dict.fromkeys(templates):
        try:
            ready = prepared(template)
            if ready.master is None and not open_them:
                continue
            master = opened(template, ready)
        except FormError:
            continue
        master.warm()
        _compile(ready)


def _compile(ready: Prepared) -> None:
    """The body, headers, footers and core properties compiled into the template's sandbox as its
    first render would compile them (the same sources: docxtpl's patched XML with its newlines, as
    render_xml_part makes it, and the properties' text)."""
    from jinja2 import TemplateError

    tpl = ready.master.tpl
    try:
        sources = [tpl.patch_xml(tpl.body_xml)] if tpl.body_xml is not None else []
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            sources += [tpl.patch_xml(tpl.get_part_xml(part)) for _, part in tpl.get_headers_footers(uri)]
        for src in sources:
            lined = kept(ready.lined, src, lambda: _PARAGRAPH_OPEN.sub(r"\n<w:p\1", src))  # noqa: B023 - made at once
            ready.sandbox_env.from_string(lined)
        for prop in RENDERED_PROPERTIES:  # docxtpl's render_properties, from the template's own
            ready.sandbox_env.from_string(getattr(tpl.docx.core_properties, prop))
    except (TemplateError, ValueError):  # its render says what is wrong
        return


_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # a paragraph as docxtpl finds it
_PARAGRAPH_OPEN = re.compile(r"<w:p([ >])")  # where docxtpl puts a newline before rendering


def _has_listing(xml: str) -> bool:
    """A tab, \a, newline or \f: what docxtpl's resolve_listing turns into tabs, breaks and
    paragraphs (four scans for one character each: a character-class regex is ~20x slower)."""
    return "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml


@functools.cache
def _table_checks() -> tuple[Any, Any, Any]:
    from lxml import etree

    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    # docxtpl's fix_tables: a row (nested tables' rows included) with more cells than the grid has
    # columns widens the grid; no row as wide as the grid, counting a cell's first gridSpan, narrows it.
    wider = etree.XPath(".//w:tr[count(w:tc) > $columns]", namespaces=ns)
    spans = "sum(w:tc/w:tcPr[1]/w:gridSpan[1]/@w:val)"
    as_wide = etree.XPath(f".//w:tr[count(w:tc[not(w:tcPr[1]/w:gridSpan)]) + {spans} >= $columns]", namespaces=ns)
    odd_span = etree.XPath(".//w:tr/w:tc/w:tcPr[1]/w:gridSpan[1][not(@w:val) or translate(@w:val, '0123456789', '') != '']", namespaces=ns)
    return wider, as_wide, odd_span


def _tables_fit(tree: Any) -> bool:
    """True when docxtpl's fix_tables would change no table of `tree` (a rendered w:body); any
    doubt (no grid, a span that is not a plain number, no row) is False and leaves it to docxtpl."""
    wider, as_wide, odd_span = _table_checks()
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    if tree.nsmap.get("w") != w[1:-1] or odd_span(tree):  # a span anywhere: once, not per table
        return False
    for table in tree.iter(w + "tbl"):
        grid = table.find(w + "tblGrid")
        if grid is None:
            return False
        columns = len(grid.findall(w + "gridCol"))
        if wider(table, columns=columns) or not as_wide(table, columns=columns):
            return False
    return True


def _docx_template(template: Path, ready: Prepared) -> Any:
    """A fresh DocxTemplate over the checked bytes; docxtpl's XML patching is done once per part."""
    from docxtpl import DocxTemplate

    class Reusing(DocxTemplate):
        body_xml: str | None = None  # the template's own body, once it renders more than once

        def patch_xml(self, src_xml: str) -> str:
            def patch() -> str:
                known = ready.known.get(_text_digest(src_xml)) if ready.known else None
                return known if known is not None else super(Reusing, self).patch_xml(src_xml)

            return kept(ready.patched, src_xml, patch)

        def undeclared_variables(self, env: Any) -> set[str]:
            """docxtpl's get_undeclared_template_variables over this opened, unrendered package
            (docxtpl opens the template a second time for it)."""
            from docx.opc.oxml import parse_xml
            from jinja2 import meta

            xml = self.patch_xml(self.xml_to_string(self.docx._element.body))
            for uri in (self.HEADER_URI, self.FOOTER_URI):
                for rel in self.docx._part.rels.values():
                    if rel.reltype == uri and rel.target_part.blob:
                        xml += self.patch_xml(self.xml_to_string(parse_xml(rel.target_part.blob)))
            return set(meta.find_undeclared_variables(env.parse(xml)))

        frame: Frame | None = None  # the template's document around its body (set by Master)
        whole: Any = None  # this render's document element, parsed with the rendered body in it

        def fix_tables(self, xml: str) -> Any:
            # docxtpl parses the rendered body and walks every cell of every table in Python (a
            # third of a render) to widen or narrow a table's grid to its rows; when no table
            # needs that, which XPath tells in C, the parsed body is all there is to it.
            from lxml import etree

            whole = self.frame.parse(xml) if self.frame is not None else None
            if whole is not None and _tables_fit(whole.body):
                self.whole = whole
                return whole.body
            tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
            return tree if _tables_fit(tree) else super().fix_tables(xml)

        def fix_docpr_ids(self, tree: Any) -> None:
            # docxtpl's own, through an XPath that python-docx's elements (a document parsed
            # whole) do not take over with an xpath() of their own
            for elt in _docpr_path()(tree):
                self.docx_ids_index += 1
                elt.attrib["id"] = str(self.docx_ids_index)

        def map_tree(self, tree: Any) -> None:
            # docxtpl moves the rendered body into the document, and lxml then walks every node of
            # it to fix its namespaces (8 ms of a 20 ms 申请报告); a document parsed whole with the
            # body in place is the same tree, made in one pass.
            whole, self.whole = self.whole, None
            if whole is not None and tree.getparent() is whole:
                self.docx._element = self.docx._part._element = whole
            else:
                super().map_tree(tree)

        def build_xml(self, context: Any, jinja_env: Any = None) -> str:
            if self.body_xml is None:
                return super().build_xml(context, jinja_env)
            # A reused template holds the last dossier's rendered body: render the template's own.
            xml = self.patch_xml(self.body_xml)
            return self.render_xml_part(xml, self.docx._part, context, jinja_env)

        def resolve_listing(self, xml: str) -> str:
            # docxtpl runs three nested regexes over every paragraph, run and text of a rendered
            # part (a fifth of a render); it changes only text holding a tab, \a, newline or \f.
            # A paragraph without one is kept as it is; docxtpl's own code resolves the others.
            if not _has_listing(xml):
                return xml
            resolve = super().resolve_listing
            return _PARAGRAPH.sub(lambda m: resolve(m[0]) if _has_listing(m[0]) else m[0], xml)

        def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
            # docxtpl's, with its two regex passes over the whole XML made cheap: the newline it
            # puts before each paragraph of the source (so that Jinja's line numbers point at one)
            # is put there once per part, and plain replaces take it out of the rendered XML.
            from jinja2 import TemplateError

            if jinja_env is None:
                return super().render_xml_part(src_xml, part, context, jinja_env)
            lined = kept(ready.lined, src_xml, lambda: _PARAGRAPH_OPEN.sub(r"\n<w:p\1", src_xml))
            self.current_rendering_part = part
            try:
                dst_xml = jinja_env.from_string(lined).render(context)
            except TemplateError as exc:
                if getattr(exc, "lineno", None) is not None:  # docxtpl's context of the error
                    line_number = max(exc.lineno - 4, 0)  # type: ignore[attr-defined]
                    lines = lined.splitlines()[line_number : line_number + 7]
                    exc.docx_context = map(lambda x: re.sub(r"<[^>]+>", "", x), lines)  # type: ignore[attr-defined]
                raise
            dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # its re.sub
            dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            return self.resolve_listing(dst_xml)

    try:
        tpl = Reusing(io.BytesIO(ready.data))
        tpl.init_docx()
    except Exception as e:  # python-docx raises a variety of errors on broken packages
        raise FormError(f"无法打开模板 {template}：{e}") from e
    return tpl


FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_DECLARATION = re.compile(r'\s+xmlns(?::([\w.-]+))?="([^"]*)"')
_START_TAG = re.compile(r"<[^>]*>")
_W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"


class Frame:
    """A template's document.xml split around its body, to parse a rendered body in its place.

    The body docxtpl renders starts with the namespace declarations it inherited from the
    document; lxml drops those (the same ones, declared above) when it moves that body into the
    document, so they are dropped here too, and the document serialises to the same bytes.
    """

    MARK = "pingtai-body"

    def __init__(self, root: Any) -> None:
        from lxml import etree

        skeleton = copy.deepcopy(root)
        body = skeleton.find(_W_BODY)
        self.head = self.tail = ""
        if body is not None:  # else nothing to parse into: parse() says None
            skeleton.replace(body, etree.Comment(self.MARK))
            self.head, self.tail = etree.tostring(skeleton, encoding="unicode").split(f"<!--{self.MARK}-->")
        self.declared = dict(root.nsmap)

    def parse(self, body: str) -> Any:
        """The document with `body` in place, or None where that would not be what docxtpl makes
        (the body is not well-formed, so a recovering parse of it alone may read it otherwise)."""
        from lxml import etree

        start = _START_TAG.match(body)
        if not self.head or start is None or not start[0].startswith("<w:body"):
            return None

        def drop(m: re.Match[str]) -> str:
            return "" if self.declared.get(m[1]) == m[2] else m[0]

        parser = _whole_parser()
        try:
            xml = self.head + _DECLARATION.sub(drop, start[0]) + body[start.end() :] + self.tail
            root = etree.fromstring(xml, parser)
        except etree.XMLSyntaxError:  # raised even when recovering: docxtpl's own path decides
            return None
        if len(parser.error_log) or root.find(_W_BODY) is None:
            return None
        return root


@functools.cache
def _docpr_path() -> Any:
    import docx.oxml.ns
    from lxml import etree

    return etree.XPath("//wp:docPr", namespaces=docx.oxml.ns.nsmap)


@functools.cache
def _whole_parser() -> Any:
    """docxtpl's parser of a rendered body (recovering), making python-docx's element classes."""
    from docx.oxml.parser import element_class_lookup
    from lxml import etree

    parser = etree.XMLParser(recover=True)
    parser.set_element_class_lookup(element_class_lookup)
    return parser


class Master:
    """One opened template that renders every dossier of a process, instead of a fresh one each.

    Opening a template parses all its parts (styles.xml alone is ~340 KB in the shipped ones) and
    saving serialises and deflates them all again: two thirds of a render, for parts no render
    changes. docxtpl changes only the body (replaced whole), the header and footer parts (replaced
    by new ones), the core properties and the footnotes. A Master puts those back to the template's
    own before each render, and writes every other part from its deflated bytes, made once.
    Anything else a render changed (a relationship added) ends the reuse: `intact()` is False.
    """

    def __init__(self, tpl: Any) -> None:
        self.tpl = tpl
        part = tpl.docx._part
        tpl.body_xml = tpl.get_xml()
        self.root = part._element
        tpl.frame = Frame(self.root)
        self.rels = {key: rel._target for key, rel in part.rels.items() if not rel.is_external}
        self.external = {key for key, rel in part.rels.items() if rel.is_external}
        # every part's relationships as the template has them: a render that relates something to
        # a part it keeps (an image drawn in a header goes to the template's own header part,
        # which docxtpl renders from) would carry it into the next dossier's form
        self.part_rels = {p: frozenset(p.rels) for p in part.package.parts}
        self.core_part = part.package._core_properties_part  # made here if the template has none, as render does
        self.core = copy.deepcopy(self.core_part._element)
        self.blobs = {p: p._blob for p in part.package.parts if p.content_type == FOOTNOTES_TYPE and hasattr(p, "_blob")}
        changing = {part, self.core_part, *self.blobs, *self._headers_footers()}
        self.fixed: dict[Any, Fixed | None] = {
            p: None for p in part.package.parts if p not in changing
        }

    def _headers_footers(self) -> list[Any]:
        uris = (self.tpl.HEADER_URI, self.tpl.FOOTER_URI)
        return [rel._target for rel in self.tpl.docx._part.rels.values() if rel.reltype in uris]

    def render(self, context: dict[str, Any], sandbox_env: Any) -> None:
        tpl = self.tpl
        rels = tpl.docx._part.rels
        for key, target in self.rels.items():
            rels[key]._target = target
        self.core_part._element = copy.deepcopy(self.core)
        # a fresh copy of the template's document element: lxml replaces the body of a document
        # fresh from the parser in ~8 ms, but that of one whose body it replaced before in ~50
        tpl.docx._element = tpl.docx._part._element = copy.deepcopy(self.root)
        for p, blob in self.blobs.items():
            p._blob = blob
        tpl.is_rendered = False  # else docxtpl opens the template again
        tpl.render(context, jinja_env=sandbox_env, autoescape=True)

    def intact(self) -> bool:
        """Only what `render` puts back was changed (no part related or unrelated meanwhile)."""
        rels = self.tpl.docx._part.rels
        internal = {key for key, rel in rels.items() if not rel.is_external}
        external = {key for key, rel in rels.items() if rel.is_external}
        kept = all(frozenset(p.rels) == keys for p, keys in self.part_rels.items())
        return internal == set(self.rels) and external == self.external and kept

    def save(self, out: Path | IO[bytes]) -> None:
        """What python-docx's save writes (the same members, order and bytes), the parts no render
        changes from their bytes deflated once (docx.opc.pkgwriter.PackageWriter.write)."""
        from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
        from docx.opc.pkgwriter import _ContentTypesItem

        package = self.tpl.docx._part.package
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
            zf.writestr(PACKAGE_URI.rels_uri.membername, package.rels.xml)
            for part in parts:
                if part in self.fixed:
                    _write_fixed(zf, part.partname.membername, self._fixed_bytes(part))
                else:
                    zf.writestr(part.partname.membername, part.blob)
                if len(part.rels):
                    zf.writestr(part.partname.rels_uri.membername, part.rels.xml)

    def warm(self) -> None:
        for part in self.fixed:
            self._fixed_bytes(part)

    def _fixed_bytes(self, part: Any) -> Fixed:
        made = self.fixed[part]
        if made is None:
            blob = part.blob
            made = self.fixed[part] = Fixed(blob, _deflated(blob), zlib.crc32(blob))
        return made


@dataclass(frozen=True)
class Fixed:
    """A part no render changes, as a zip member holds it: its bytes, deflated, and their CRC."""

    blob: bytes
    deflated: bytes
    crc: int


DEFLATED_KEPT = 64  # parts kept deflated per process: a run's templates share most of theirs
_DEFLATED: dict[bytes, bytes] = {}


def _deflated(blob: bytes) -> bytes:
    """`blob` deflated as zipfile does, once per process for the same bytes: templates made from
    one document (the shipped ones) carry the same styles, theme and settings (~0.8 MB each)."""
    found = _DEFLATED.get(blob)
    if found is None:
        deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # as zipfile does
        found = deflate.compress(blob) + deflate.flush()
        if len(_DEFLATED) >= DEFLATED_KEPT:
            _DEFLATED.clear()
        _DEFLATED[blob] = found
    return found


class _Deflated:
    """Stands in for zipfile's compressor of one member: hands over bytes deflated beforehand."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def compress(self, _: bytes) -> bytes:
        data, self.data = self.data, b""
        return data

    def flush(self) -> bytes:
        return b""


_ZIP_WRITER = ("fp", "start_dir", "_seekable", "_writing", "_writecheck", "filelist", "NameToInfo")


def _write_fixed(zf: zipfile.ZipFile, name: str, made: Fixed) -> None:
    """`zf.writestr(name, blob)` from the member made beforehand: the header zipfile writes for it
    (its sizes and CRC known, so written once) and the deflated bytes, neither deflated nor
    checksummed again (a shipped template's fixed parts are ~0.8 MB). A zipfile this cannot write
    so (not seekable: sizes after the data; internals of another version) writes it its own way."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # what writestr gives a member
    info.file_size = len(made.blob)
    if not all(hasattr(zf, a) for a in _ZIP_WRITER) or not zf._seekable or zf._writing:  # type: ignore[attr-defined]
        _write_deflated(zf, info, made)
        return
    info.compress_size, info.CRC = len(made.deflated), made.crc
    zf._writecheck(info)  # type: ignore[attr-defined]
    zf.fp.seek(zf.start_dir)  # type: ignore[union-attr]
    info.header_offset = zf.fp.tell()  # type: ignore[union-attr]
    zf._didModify = True  # type: ignore[attr-defined]
    zf.fp.write(info.FileHeader(False))  # type: ignore[union-attr]
    zf.fp.write(made.deflated)  # type: ignore[union-attr]
    zf.start_dir = zf.fp.tell()  # type: ignore[union-attr]
    zf.filelist.append(info)
    zf.NameToInfo[name] = info


def _write_deflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo, made: Fixed) -> None:
    """Through zipfile's own writer (which sizes and checksums the bytes), without deflating them
    again; a writer without the compressor slot deflates as usual."""
    with zf.open(info, mode="w") as dest:
        if getattr(dest, "_compressor", None) is not None:
            dest._compressor = _Deflated(made.deflated)  # type: ignore[attr-defined]
        dest.write(made.blob)


def template_variables(template: Path) -> set[str]:
    """Top-level names the template reads (loop variables and Jinja's own globals excluded)."""
    return set(prepared(template).variables)


def undeclared_variables(template: Path) -> set[str]:
    """Variables of the template that no fact or list provides (typos, foreign templates)."""
    return template_variables(template) - context_keys()


def render_form(
    template: Path, context: dict[str, Any], out: Path | IO[bytes], seconds: float = TEMPLATE_SECONDS
) -> list[str]:
    """Render `template` with `context` into `out` (.docx); return the blank fields it shows.

    The caller chooses `out` (fill-forms writes to a temporary name and renames).
    """
    from jinja2 import TemplateError

    from pingtai_cli.core.deadline import TimeLimit, memory_limit, time_limit

    ready = prepared(template)
    master, ready.master = opened(template, ready), None  # taken: a render that fails leaves nothing half-reset
    try:
        with time_limit(seconds), memory_limit(TEMPLATE_MEMORY):
            master.render(context, ready.sandbox_env)
        master.save(out)
        ready.master = master if master.intact() else None
    except TemplateError as e:
        said = str(e) if isinstance(e, _limit_error()) else f"{type(e).__name__}: {e}"
        raise FormError(f"模板 {template} 无法填写：{said}") from e
    except TimeLimit:
        raise FormError(f"模板 {template} 填写超过时限 {seconds:g} 秒，已中止（模板中可能有过大的循环）") from None
    except (MemoryError, OverflowError, RecursionError) as e:
        raise FormError(f"模板 {template} 填写所需内存或递归超过上限，已中止（{_why(e)}）") from None
    blanks = context.get("blank_fields") or []
    return [k for k in blanks if k in ready.variables]


_WHY = {MemoryError: "内存不足", OverflowError: "数值过大", RecursionError: "递归过深"}


def _why(e: Exception) -> str:
    return next((why for kind, why in _WHY.items() if isinstance(e, kind)), "超过上限")


# ---------------------------------------------------------------- xlsx from a rendered table


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?(?:0|[1-9]\d{0,8})(?:\.\d+)?$")


def neutralise_cell(text: str) -> str | float | int:
    """A cell value that a spreadsheet will not run: formulas get a leading apostrophe.

    Plain short numbers (not phone numbers or codes) become numbers so a bureau can sum them.
    """
    text = clean_text(text)
    if text in (BLANK, BLANK_DATE):  # a hand-filling line means nothing in a spreadsheet
        return ""
    if _PLAIN_NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def docx_tables_to_xlsx(docx_path: Path | IO[bytes], xlsx_path: Path | IO[bytes], title: str) -> None:
    """Write the tables of a rendered form to a workbook: same rows and cells, one sheet.

    Taking the rendered .docx as the source keeps the .xlsx identical in content to
    the Word form, for shipped and bureau templates alike.
    """
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from pingtai_cli.outputs.forms.sheet import write_sheet

    doc = _main_document(docx_path)
    rows: list[list[str | float | int]] = [[neutralise_cell(title)]]
    header = None  # the first table's first row: the column heads repeated on every printed page
    for child in doc.element.body.iterchildren():  # body order: the lines above and below tables too
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, doc).text.strip()
            if text and text != title:
                rows.append([neutralise_cell(text)])
        elif tag == "tbl":
            table = _table_rows(Table(child, doc))
            if header is None and len(table) > 1:
                header = len(rows) + 1
            rows += table
    write_sheet(xlsx_path, "汇总", rows, header_row=header)


def _main_document(docx_path: Path | IO[bytes]) -> Any:
    """The .docx's document, its main part alone parsed (as python-docx parses it): what its
    tables say needs no styles (~340 KB in the shipped templates), numbering or theme. A package
    whose main part cannot be found so is opened whole by python-docx."""
    from docx import Document
    from docx.document import Document as DocumentObject
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml
    from lxml import etree

    source = str(docx_path) if isinstance(docx_path, Path) else docx_path
    try:
        with zipfile.ZipFile(source) as zf:
            rels = etree.fromstring(zf.read("_rels/.rels"))
            targets = [r.get("Target") or "" for r in rels if r.get("Type") == RT.OFFICE_DOCUMENT]
            if len(targets) == 1 and "://" not in targets[0]:
                element = parse_xml(zf.read(targets[0].lstrip("/")))
                if element.tag == _W_DOCUMENT:
                    return DocumentObject(element, None)  # type: ignore[arg-type]  # no package: text only
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        pass
    if not isinstance(source, str):
        source.seek(0)
    return Document(source)


_W_DOCUMENT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document"


def _table_rows(table: Any) -> list[list[str | float | int]]:
    """The table's rows as cell values (a merged cell once), less the blank padding rows, and an
    empty row after it."""
    out: list[list[str | float | int]] = []
    for row in table.rows:
        values: list[str | float | int] = []
        previous = None
        for cell in row.cells:
            same = cell._tc is previous  # a horizontally merged cell repeats
            previous = cell._tc
            values.append("" if same else neutralise_cell(cell.text.strip()))
        if not _is_padding(values):
            out.append(values)
    out.append([])
    return out


def _is_padding(values: list[str | float | int]) -> bool:
    """A blank row left for hand filling (at most a row number in the first cell)."""
    return all(v == "" for v in values[1:]) and (values[0] == "" or isinstance(values[0], int))
