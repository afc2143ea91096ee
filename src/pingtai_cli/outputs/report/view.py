"""One flat, display-ready view of a CheckResult that every renderer draws from.

Renderers differ in markup, not in what they say: the groups, the status of
each item, how a value and its unit are written, and which items count as
problems are decided here once. Every string that may come from a dossier
passes through `clean` (control characters made visible, length bounded);
escaping for HTML, Markdown or spreadsheets is the renderer's job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypedDict

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import (
    CheckResult,
    Finding,
    FunctionResult,
    FunctionsResult,
    MaterialFile,
    MaterialResult,
    RuleResult,
)
from pingtai_cli.outputs.report.labels import check_lang, generated_line, t
from pingtai_cli.vocab import label_of, unit_of, value_word

Group = Literal["basic", "functions", "exclusions", "materials", "consistency"]
GROUPS: tuple[Group, ...] = ("basic", "functions", "exclusions", "materials", "consistency")

# tone: what an item means for the verdict; it picks the mark and the colour
Tone = Literal["ok", "fail", "absent", "missing", "relax", "warn", "review", "off"]
MARKS: dict[str, str] = {
    "ok": "✔",
    "fail": "✘",
    "absent": "✘",
    "missing": "？",
    "relax": "⚠",
    "warn": "⚠",
    "review": "◎",
    "off": "·",
}
PROBLEM_TONES = frozenset({"fail", "absent", "missing", "relax", "warn"})

NOT_IN_FORCE_ID = "ruleset.not_in_force"
OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
_REQUIRED_RE = re.compile(r"^\s*(>=|<=|==|>|<)\s*(.+?)\s*$")
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


# What `clean` changes: controls but \t and \n, C1 controls, bidi marks, lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(value: Any, limit: int = 2000) -> str:
    """A dossier string made safe to show: control and bidi characters visible, length bounded."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit] + f"…（截断，共 {len(text)} 字）"
    if not _UNSAFE.search(text):  # nearly every string: nothing to change, no loop over characters
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif code < 0x20 or 0x7F <= code < 0xA0 or code in _BIDI:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        elif unicodedata.category(ch) == "Cs":  # lone surrogate: cannot be encoded
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def one_line(value: Any, limit: int = 2000) -> str:
    """`clean`, with line breaks and tabs turned into spaces (table cells, headings)."""
    return re.sub(r"[\n\t]+", " ", clean(value, limit)).strip()


def show_value(value: Any, unit: str | None, lang: str = "zh") -> str:
    """95.0, '万元' → '95万元'; True → '是'; None → '' (the caller says 未填写 when it matters)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("label.yes" if value else "label.no", lang)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return f"{fmt(value)}{unit or ''}"
    if isinstance(value, list | tuple):
        return "；".join(one_line(v, 300) for v in value) or t("label.none", lang)
    return one_line(value, 500)


def show_required(required: str | None, unit: str | None) -> str:
    """'>= 300', '万元' → '≥ 300万元'; words such as '是' or '相关认定' stay as they are."""
    if not required:
        return ""
    m = _REQUIRED_RE.match(required)
    if not m:
        return one_line(required, 300)
    return f"{OPS[m.group(1)]} {m.group(2)}{unit or ''}"


@dataclass
class Row:
    """One line of a report: a condition, a function, a material or a finding."""

    group: Group
    code: str
    name: str
    status: str  # the raw status of the result (pass, fail, present, error …)
    word: str  # the status in words, in the report's language
    tone: Tone
    actual: str = ""
    required: str = ""
    gap: str = ""
    article: str = ""
    quote: str = ""
    message: str = ""
    evidence: list[str] = field(default_factory=list)
    fix: str = ""
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    depth: int = 0  # 1: a function under the requirement, 2: a condition of a function
    qualitative: bool = False  # a review item that tests no field (健全的管理制度)

    @property
    def mark(self) -> str:
        return MARKS[self.tone]

    @property
    def is_problem(self) -> bool:
        """What a person must act on: failures, gaps, and review items that test a value or a file."""
        return self.tone in PROBLEM_TONES or (self.tone == "review" and not self.qualitative)


_CONDITION_TONES: dict[str, Tone] = {
    "pass": "ok",
    "fail": "fail",
    "missing": "missing",
    "review": "review",
    "relaxable": "relax",
}


def _as_written(r: RuleResult, lang: str) -> str | None:
    """The figure as the dossier wrote it, where the number read from it is not the figure: a bare
    amount whose unit is guessed (3,200,000.00, not 3200000万元), a floor (60家以上, not 60家)."""
    from pingtai_cli.intake.sources.units import states_lower_bound

    for e in r.evidence:
        if e.snippet and e.how == "unit_inferred":
            return t("label.no_unit", lang, raw=e.snippet)
        if e.snippet and states_lower_bound(e.snippet):
            return f"“{e.snippet}”"
    return None


def condition_row(r: RuleResult, group: Group, lang: str, depth: int = 0) -> Row:
    if group == "exclusions" and r.status in ("fail", "pass"):  # an exclusion "fails" when it applies
        tone: Tone = "fail" if r.status == "fail" else "ok"
        word = t("status.excl_fail" if r.status == "fail" else "status.excl_pass", lang)
    else:  # an exclusion left undecided (已获认定 unread, a recognition to verify) is not 不适用 ✔
        tone = _CONDITION_TONES.get(r.status, "warn")
        word = t(f"status.{r.status}", lang)
    actual = show_value(r.actual, r.unit, lang) if group != "exclusions" or r.status in ("fail", "review") else ""
    actual = (_as_written(r, lang) if r.status == "review" else None) or actual
    if not actual and r.status == "missing" and r.fields:
        actual = t("label.unfilled", lang)
    return Row(
        group=group,
        code=r.id,
        name=one_line(r.name, 300),
        status=r.status,
        word=word,
        tone=tone,
        actual=actual,
        required=t("label.yes", lang) if r.required == "是" else show_required(r.required, r.unit),
        gap=r.gap or "",
        article=r.article,
        quote=r.quote,
        message=clean(r.message),
        evidence=[clean(e.describe(), 500) for e in r.evidence],
        fix=r.fix or "",
        notes=[clean(n) for n in r.notes] + _option_notes(r, lang),
        depth=depth,
        qualitative=r.status == "review" and not r.fields,
    )


def _option_notes(r: RuleResult, lang: str) -> list[str]:
    """Alternatives (any_of) in words: '备选“融资担保机构”：缺少数据'."""
    if r.status == "pass":
        return []
    out = []
    for opt in r.options:
        status = str(opt.get("status", ""))
        out.append(
            f"{t('label.option', lang)}“{one_line(opt.get('name', ''), 200)}”：{t(f'status.{status}', lang)}"
        )
    return out


_FUNCTION_TONES: dict[str, Tone] = {
    "pass": "ok",
    "fail": "fail",
    "missing": "missing",
    "relaxable": "relax",
    "not_declared": "off",
    "review": "review",
}


def function_rows(fr: FunctionsResult, lang: str) -> list[Row]:
    """The count requirement, then each function, then each function's conditions."""
    short = max(fr.required - fr.met, 0)
    rows = [
        Row(
            group="functions",
            code="",
            name=t("label.functions_name", lang),
            status=fr.status,
            word=t(f"status.{fr.status}", lang),
            tone=_FUNCTION_TONES.get(fr.status, "warn"),
            actual=t("label.functions_met", lang, n=fr.met),
            required=t("label.functions_required", lang, n=fr.required),
            gap=t("label.functions_gap", lang, n=short) if fr.status not in ("pass", "review") and short else "",
            article=fr.article,
            message=fr.message,
        )
    ]
    for item in fr.items:
        rows.append(_function_item_row(item, lang))
        for c in item.conditions:
            row = condition_row(c, "functions", lang, depth=2)
            if item.status == "not_declared":  # shown for reference, counts for nothing
                row.tone = "off"
            rows.append(row)
    return rows


def _function_item_row(item: FunctionResult, lang: str) -> Row:
    return Row(
        group="functions",
        code=item.function,
        name=item.name,
        status=item.status,
        word=t(f"status.{item.status}", lang),
        tone=_FUNCTION_TONES.get(item.status, "warn"),
        article=item.article,
        depth=1,
    )


_MATERIAL_TONES: dict[str, tuple[Tone, str]] = {
    "present": ("ok", "status.present"),
    "missing": ("absent", "status.absent"),
    "invalid": ("warn", "status.invalid"),
    "review": ("review", "status.review"),
}


def material_row(m: MaterialResult, lang: str) -> Row:
    tone, word = _MATERIAL_TONES.get(m.status, ("warn", "status.invalid"))
    if m.status == "missing" and not m.required:
        tone, word = "off", "status.optional"
    return Row(
        group="materials",
        code=m.code,
        name=one_line(m.name, 300),
        status=m.status,
        word=t(word, lang),
        tone=tone,
        article=m.article,
        quote=m.quote,
        message="；".join(clean(p, 500) for p in m.problems),
        fix=m.fix or "",
        files=[one_line(f, 300) for f in m.files],
    )


_FINDING_TONES: dict[str, Tone] = {"error": "fail", "warning": "warn", "info": "review"}


def finding_row(f: Finding, lang: str) -> Row:
    return Row(
        group="consistency",
        code=f.id,
        name=one_line(f.message, 1000),
        status=f.severity,
        word=t(f"status.{f.severity}", lang),
        tone=_FINDING_TONES.get(f.severity, "warn"),
        message=clean(f.message),
        evidence=[clean(f.evidence.describe(), 500)] if f.evidence else [],
        files=[one_line(x, 300) for x in f.files if not f.evidence or x != f.evidence.file],
    )


@dataclass(frozen=True)
class ReadingRow:
    """One interpretation note of a condition: another reading of its clause, a relaxation claimed."""

    code: str
    name: str
    article: str
    note: str
    differs: bool  # this reading decides otherwise than the one applied


def reading_rows(result: CheckResult) -> list[ReadingRow]:
    """Every note of every condition (basic, functions with their alternatives, exclusions), so
    that no format drops a reading; those that decide otherwise are marked."""
    out: list[ReadingRow] = []

    def add(r: RuleResult) -> None:
        disputed = set(r.disputed)
        out.extend(ReadingRow(r.id, one_line(r.name, 300), r.article, clean(n), n in disputed) for n in r.notes)

    for r in result.conditions:
        add(r)
    if result.functions:
        for item in result.functions.items:
            for r in item.conditions:
                add(r)
    for r in result.exclusions:
        add(r)
    return out


@dataclass
class ResultView:
    """A CheckResult as the renderers need it: header strings, banner, rows by group."""

    result: CheckResult
    lang: str
    org: str
    dossier: str
    verdict_word: str
    banner: str | None  # the ruleset is not in force on the check date
    rows: dict[Group, list[Row]]
    readings: list[ReadingRow] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return "error" if self.result.error else self.result.verdict

    def problems(self) -> list[Row]:
        """Rows a person must act on, in report order (functions: only when the requirement is not met)."""
        out = []
        for group in GROUPS:
            for row in self.rows[group]:
                if row.is_problem and (group != "functions" or self._functions_open()):
                    out.append(row)
        return out

    def _functions_open(self) -> bool:
        fr = self.result.functions
        return fr is not None and fr.status != "pass"


NO_FORM_IDS = {"workbook.missing", "sources.form_in_document"}  # said first: where the data came from


def verdict_word(result: CheckResult, lang: str = "zh") -> str:
    """The verdict as every format shows it: an unreadable dossier is `incomplete` (spec §3), and
    says it could not be checked: 材料不全（无法检查）, the same verdict its JSON carries."""
    word = t(f"verdict.{result.verdict}", lang)
    if result.error:
        word += t("label.paren", lang, text=t("verdict.error", lang))
    return word


def build_view(result: CheckResult, lang: str = "zh") -> ResultView:
    """Turn one result into display rows; the 'not in force' finding becomes a banner."""
    banner_finding = next((f for f in result.findings if f.id == NOT_IN_FORCE_ID), None)
    banner = None
    if not result.in_force or banner_finding:
        banner = clean(banner_finding.message) if banner_finding else t("label.not_in_force", lang)
    no_form = next((f for f in result.findings if f.id in NO_FORM_IDS), None)
    if no_form is not None:  # every 缺少数据 below follows from this one cause: say it first
        banner = "；".join(x for x in (banner, clean(no_form.message)) if x)
    rows: dict[Group, list[Row]] = {
        "basic": [condition_row(c, "basic", lang) for c in result.conditions],
        "functions": function_rows(result.functions, lang) if result.functions else [],
        "exclusions": [condition_row(e, "exclusions", lang) for e in result.exclusions],
        "materials": [material_row(m, lang) for m in result.materials],
        "consistency": [finding_row(f, lang) for f in result.findings if f.id != NOT_IN_FORCE_ID],
    }
    return ResultView(
        result=result,
        lang=lang,
        org=one_line(result.org_name, 300) if result.org_name else t("label.org_unknown", lang),
        dossier=one_line(result.dossier, 500),
        verdict_word=verdict_word(result, lang),
        banner=banner,
        rows=rows,
        readings=reading_rows(result),
    )


@dataclass(frozen=True)
class Counts:
    """The numbers of the batch summary, one dossier."""

    failed: int
    missing: int
    absent: int  # required materials not in the dossier
    invalid: int  # required materials in it but not valid (no seal, another year …)
    review: int

    def tally(self) -> list[tuple[str, int]]:
        """(label key, number) in the order every report shows them."""
        return [
            ("short.n_fail", self.failed),
            ("short.n_missing", self.missing),
            ("short.n_absent", self.absent),
            ("short.n_invalid", self.invalid),
            ("short.n_review", self.review),
        ]


def counts(result: CheckResult) -> Counts:
    """Counts that drive the verdict: conditions, the function requirement, required materials.

    Qualitative conditions (no field to test, every dossier has them) are not
    counted as 待审核; relaxable conditions and undecided readings are.
    """
    conditions = [*result.conditions, *result.exclusions]
    fr = result.functions
    failed = sum(c.status == "fail" for c in conditions) + int(
        fr is not None and fr.status == "fail"
    )
    missing = sum(c.status == "missing" for c in result.conditions) + int(
        fr is not None and fr.status == "missing"
    )
    absent = sum(m.required and m.status == "missing" for m in result.materials)
    invalid = sum(m.required and m.status == "invalid" for m in result.materials)
    review = (
        sum(
            c.status == "relaxable" or (c.status == "review" and bool(c.fields))
            for c in result.conditions
        )
        + int(fr is not None and fr.status in ("relaxable", "review"))
        + sum(e.status == "review" for e in result.exclusions)
        + sum(m.status == "review" for m in result.materials)
    )
    return Counts(failed, missing, absent, invalid, review)


def outside_note(result: CheckResult) -> str:
    """注册地不在本地区: the credit code or the address places the applicant outside the text's area
    (the derived registered_area is `out`). Where no condition decided on it, the ruleset only
    hints (只提示，不作结论) and the verdict stands: the reviewer verifies it (需核实)."""
    fact = (result.facts or {}).get("registered_area")
    if fact is None or fact.value != "out":
        return ""
    decided = any(c.status == "fail" and "registered_area" in c.fields for c in result.conditions)
    return "注册地不在本地区" if decided else "注册地不在本地区，需核实"


def main_problems(result: CheckResult) -> str:
    """The failing items in words, for a summary cell or line (the area note first, as every
    summary shows it)."""
    if result.error:
        return one_line(result.error, 1000)
    area = outside_note(result)
    if result.verdict == "eligible":
        return area
    return "；".join([*([area] if area else []), *(one_line(r, 500).rstrip("。") for r in result.reasons)])


def gap_words(result: CheckResult) -> list[str]:
    """gaps_of with the area note first and short (注册地不在本地区，需核实：<where>), so that a
    summary cut to its width or led by a duplicate note never loses it."""
    from pingtai_cli.outputs.comparison import gaps_of

    gaps = gaps_of(result)
    area = outside_note(result)
    if not area:
        return gaps
    where = next((g for g in gaps if g.startswith("不在本地区：")), None)
    rest = [g for g in gaps if g is not where]
    return [area + (f"（{where.removeprefix('不在本地区：')}）" if where else ""), *rest]


@dataclass(frozen=True)
class FactRow:
    label: str
    value: str
    source: str


def fact_rows(result: CheckResult, lang: str = "zh") -> list[FactRow]:
    """Every fact the check used, with where it was read: the reviewer's evidence table."""
    from pingtai_cli.engine.derive import date_text, month_only, year_only

    out = []
    for key, fact in result.facts.items():
        word = value_word(key, fact.value)  # a coded value (registered_area: out) in words
        if month_only(fact) or year_only(fact):  # 2026年3月, 2017年 as written, not a day nobody wrote
            word = date_text(fact)
        value = word or show_value(fact.value, fact.unit or unit_of(key), lang) or t("label.unfilled", lang)
        source = clean(fact.evidence.describe(), 500) if fact.evidence else ""
        out.append(FactRow(label_of(key), value, source))
    return out


@dataclass(frozen=True)
class FileRow:
    """One file of the dossier as the report lists it: what it was recognised as, or why not."""

    path: str
    kind: str
    recognised: str
    pages: str  # the page count, with the pages OCR'd in brackets
    problem: str

    @classmethod
    def of(cls, f: MaterialFile) -> FileRow:
        pages = "" if f.pages is None else str(f.pages) + (f"（OCR {f.ocr_pages}）" if f.ocr_pages else "")
        recognised = "、".join(one_line(k, 100) for k in f.material_keys)
        return cls(one_line(f.path, 500), one_line(f.kind, 20), recognised, pages, clean(f.error or "", 500))


def file_rows(result: CheckResult) -> list[FileRow]:
    """The dossier's files and what each was recognised as (or why it could not be read)."""
    return [FileRow.of(f) for f in result.files]


VERDICTS = ("eligible", "ineligible", "incomplete", "review")


@dataclass(frozen=True)
class Tally:
    """The batch's count per verdict (spec §3's four), of which unreadable, and the duplicates."""

    per_verdict: list[tuple[str, str, int]]  # (verdict, word, n)
    unreadable: int
    duplicates: int
    total: int


def tally(results: list[CheckResult], lang: str = "zh") -> Tally:
    from pingtai_cli.engine.duplicates import duplicate_note

    per = [(v, t(f"verdict.{v}", lang), sum(r.verdict == v for r in results)) for v in VERDICTS]
    return Tally(
        per_verdict=per,
        unreadable=sum(bool(r.error) for r in results),
        duplicates=sum(bool(duplicate_note(r)) for r in results),
        total=len(results),
    )


def key_gaps(result: CheckResult) -> list[str]:
    """What stands between the dossier and recognition, and what the reviewer must decide, in words."""
    from pingtai_cli.engine.duplicates import duplicate_note

    out = gap_words(result)
    area = out.pop(0) if outside_note(result) else ""
    for c in result.conditions:
        if c.status == "review" and c.fields:
            out.append(f"待审核：{c.name}")
    out += [f"待审核：{m.name}" for m in result.materials if m.status == "review"]
    dup = duplicate_note(result)
    if dup:
        out.insert(0, one_line(dup, 300))
    if area:
        out.insert(0, area)
    return [one_line(x, 300) for x in out]


@dataclass(frozen=True)
class IndexRow:
    """A dossier's line in a batch report's index (HTML links it to the dossier's section)."""

    anchor: str
    no: int
    dossier: str
    org: str
    credit_code: str
    verdict: str
    verdict_word: str
    gaps: list[str]


def index_rows(views: list[ResultView]) -> list[IndexRow]:
    """One row per dossier for the batch index: org, credit code, verdict and the key gaps in words."""
    out = []
    for i, v in enumerate(views, 1):
        code = v.result.facts.get("credit_code")
        credit = str(code.value) if code is not None else ""
        out.append(IndexRow(f"dossier-{i}", i, v.dossier, v.org, credit, v.verdict, v.verdict_word, key_gaps(v.result)))
    return out


class ReportOptions(TypedDict, total=False):
    """The keywords of a whole report in a document format (render_html, render_markdown)."""

    verbose: bool
    lang: str
    today: date | None  # the generated-by line's date (tests fix it)


@dataclass(frozen=True)
class Document:
    """What a whole report shows, as HTML or Markdown: a view per dossier; with several, the
    index and the count per verdict first; the generated-by line last."""

    views: list[ResultView]
    index: list[IndexRow] | None  # None: one dossier, no index
    tally: Tally | None
    generated: str
    lang: str
    verbose: bool


def document(
    results: Sequence[CheckResult], *, verbose: bool = False, lang: str = "zh", today: date | None = None
) -> Document:
    """The parts of a whole report, in the language asked for (an unknown one is refused)."""
    check_lang(lang)
    views = [build_view(r, lang) for r in results]
    several = len(views) > 1
    return Document(
        views,
        index_rows(views) if several else None,
        tally(list(results), lang) if several else None,
        generated_line(lang, today),
        lang,
        verbose,
    )
