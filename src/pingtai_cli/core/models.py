"""The data that flows through pingtai: facts with evidence, findings, results.

dossier folder → `Dossier` (facts + material files + findings)
→ `CheckResult` (per-rule results, verdict) → report or forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "fail", "missing", "review", "relaxable"]
# review: met only pending a person (a prerequisite in words, a reading), or no rules encoded
FunctionStatus = Literal["pass", "fail", "missing", "not_declared", "review"]
MaterialStatus = Literal["present", "missing", "invalid", "review"]
Verdict = Literal["eligible", "ineligible", "incomplete", "review"]
# the verdicts as the reports, the forms and the engine's own messages print them
VERDICT_WORDS: dict[str, str] = {"eligible": "符合条件", "ineligible": "不符合条件", "incomplete": "材料不全", "review": "待审核"}
# The level of the issuing body (document.level of a ruleset)
LEVEL_WORDS: dict[str, str] = {"national": "国家级", "province": "省级", "city": "市级", "county": "县级"}
# How a value was read (Evidence.how): typed into a form (Excel cell, Word table), taken from a
# PDF's text layer, read by OCR from a scan or photo, or an amount whose unit was inferred (no
# unit written beside it, none stated on its page). OCR and inferred units are not certain: a
# condition resting on them is for a reviewer to decide (`review`).
HOW_WORDS: dict[str, str] = {"typed": "填写", "text": "文字层", "ocr": "OCR识别", "unit_inferred": "单位为推断"}
HOW_READ = tuple(HOW_WORDS)
UNCERTAIN_READS = frozenset({"ocr", "unit_inferred"})


def _plain(value: Any) -> Any:
    """A field as JSON holds it: a date as its ISO text, a result (or a list of them) as dicts."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    return value if to_dict is None else to_dict()


def json_fields(obj: Any, always: tuple[str, ...], when_set: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object of a result (spec §3): `always` in that order, then `when_set` where not empty."""
    out = {k: _plain(getattr(obj, k)) for k in always}
    for k in when_set:
        value = getattr(obj, k)
        if value:
            out[k] = _plain(value)
    return out


@dataclass(frozen=True)
class Evidence:
    """Where a value was read: a file and, inside it, a sheet!cell or a page."""

    file: str
    sheet: str | None = None
    cell: str | None = None
    page: int | None = None
    snippet: str | None = None
    how: str | None = None  # one of HOW_READ; None when not recorded

    @property
    def uncertain(self) -> bool:
        """True when the value was read by OCR or its unit was inferred (a reviewer must confirm)."""
        return self.how in UNCERTAIN_READS

    def describe(self) -> str:
        """Chinese one-line location, e.g. `申请表.xlsx 基本信息!C5` or `执照.pdf 第1页`."""
        where = self.file
        if self.sheet and self.cell:
            where += f" {self.sheet}!{self.cell}"
        elif self.sheet:
            where += f" {self.sheet}"
        if self.page is not None:
            where += f" 第{self.page}页"
        return where

    def to_dict(self) -> dict[str, Any]:
        # Every field is a scalar: no need for asdict's deep copy (2/3 of a batch's JSON time).
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass
class Fact:
    """One value of the dossier under a canonical key of the spec (§1.1), with its source."""

    key: str
    value: Any  # float | int | str | bool | date | list[str]
    unit: str | None = None
    evidence: Evidence | None = None
    raw: str | None = None  # the text as the person wrote it
    also: list[Evidence] = field(default_factory=list)  # other places that state the same value
    label: str | None = None  # the form label it was read under (服务场地面积 or 办公场所面积)
    # What the value does not say (JSON `precision`, an extension): "month" for a date written to
    # the month only (2026年3月: `value` is the 1st of that month, a day nobody wrote, which no
    # check may rely on), "year" for one written to the year (2017年: 1 January), "at_least" for
    # a number written as a lower bound (150家以上), "approximate" for one written as an
    # approximation (约130家, 130家左右): none of them decides a check on its own
    precision: str | None = None
    # the period the figure is stated for, as written (2024年末, 截至2024年12月31日, 2024年度); a
    # figure of a year-bound key (vocab `period`) for another year than the check's is for review
    period: str | None = None
    # what a reviewer must settle about this reading (a layout read two ways, a figure of another
    # period), in Chinese: a check that rests on it is for review (JSON `doubt`, an extension)
    doubt: str | None = None

    @property
    def sources(self) -> list[Evidence]:
        """Every place the value was read, the one it is taken from first."""
        return ([self.evidence] if self.evidence else []) + self.also

    @property
    def uncertain(self) -> bool:
        """True when no source is certain: every one is OCR or an inferred unit."""
        sources = self.sources
        return bool(sources) and all(e.uncertain for e in sources)

    def to_dict(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        out: dict[str, Any] = {"key": self.key, "value": value}
        if self.unit:
            out["unit"] = self.unit
        if self.raw is not None:
            out["raw"] = self.raw
        if self.evidence:
            out["evidence"] = self.evidence.to_dict()
        if self.also:
            out["also"] = [e.to_dict() for e in self.also]
        if self.label:
            out["label"] = self.label
        if self.precision:
            out["precision"] = self.precision
        if self.period:
            out["period"] = self.period
        if self.doubt:
            out["doubt"] = self.doubt
        return out


@dataclass
class Finding:
    """Something a person must look at: a broken file, an unreadable value, a mismatch."""

    id: str
    severity: Severity
    message: str
    files: list[str] = field(default_factory=list)
    field: str | None = None
    evidence: Evidence | None = None

    def to_dict(self) -> dict[str, Any]:
        return json_fields(self, ("id", "severity", "message", "files"), ("field", "evidence"))


@dataclass
class MaterialFile:
    """One file of the dossier and what it was recognised as."""

    path: str  # relative to the dossier root, '/' separated
    kind: str  # pdf | docx | image | xlsx | other
    material_keys: list[str] = field(default_factory=list)
    matched_by: list[str] = field(default_factory=list)  # human-readable reasons
    pages: int | None = None
    ocr_pages: int = 0
    facts: dict[str, Fact] = field(default_factory=dict)  # facts read from the document
    error: str | None = None  # why it could not be read, in Chinese
    sections: list[str] = field(default_factory=list)  # headings, for a .docx
    notes: list[str] = field(default_factory=list)  # partial reads (page cap, OCR budget), in Chinese
    content_keys: list[str] = field(default_factory=list)  # materials its text itself shows
    unchecked: bool = False  # `error` is pingtai's own limit or format, not a broken file
    form: Any = None  # the 申请表 typed in its tables (extract/excel.WorkbookResult), if any
    sha256: str | None = None  # of the bytes read: the same file in two dossiers (not in the JSON)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "path": self.path,
            "kind": self.kind,
            "material_keys": self.material_keys,
            "matched_by": self.matched_by,
            "pages": self.pages,
            "ocr_pages": self.ocr_pages,
            "facts": {k: f.to_dict() for k, f in self.facts.items()},
            "error": self.error,
        }
        if self.sections:
            out["sections"] = self.sections
        if self.notes:
            out["notes"] = self.notes
        if self.form is not None:
            out["form_facts"] = sorted(self.form.facts)
        return out


@dataclass
class Dossier:
    """Everything read from one applicant's folder or zip."""

    path: str
    facts: dict[str, Fact] = field(default_factory=dict)
    yearly: list[dict[str, Any]] = field(default_factory=list)  # rows: {"year": 2024, "smes_served": 160, ...}
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # staff, served_smes, equipment, partners
    list_evidence: dict[str, Evidence] = field(default_factory=dict)
    files: list[MaterialFile] = field(default_factory=list)
    report_sections: list[str] = field(default_factory=list)  # headings of the 申请报告
    findings: list[Finding] = field(default_factory=list)
    workbook: str | None = None
    other_labels: dict[str, list[Any]] = field(default_factory=dict)  # 申请表 rows no built-in key reads

    def value(self, key: str) -> Any:
        fact = self.facts.get(key)
        return None if fact is None else fact.value


@dataclass
class RuleResult:
    """The outcome of one rule for one dossier."""

    id: str
    name: str
    article: str
    quote: str
    fields: list[str]
    status: Status
    actual: Any = None
    required: str | None = None
    unit: str | None = None
    message: str = ""
    fix: str | None = None
    gap: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # other readings, relaxations claimed
    disputed: list[str] = field(default_factory=list)  # notes of readings that decide otherwise
    options: list[dict[str, Any]] = field(default_factory=list)  # any_of branches
    group: str | None = None  # "exclusion" for exclusion clauses listed among the conditions

    def to_dict(self) -> dict[str, Any]:
        always = ("id", "name", "article", "quote", "fields", "status", "actual", "required", "unit", "message")
        return json_fields(self, always, ("gap", "fix", "evidence", "notes", "options", "group"))


@dataclass
class FunctionResult:
    function: str  # information | technology | startup | training | financing | comprehensive
    name: str  # 信息服务
    article: str
    status: FunctionStatus
    declared: bool
    conditions: list[RuleResult] = field(default_factory=list)
    would_be: str | None = None  # the status it would have if declared (not in the JSON)

    def to_dict(self) -> dict[str, Any]:
        return json_fields(self, ("function", "name", "article", "status", "declared", "conditions"))


@dataclass
class FunctionsResult:
    required: int
    met: int
    # review: met only pending review, or the count rule is not encoded
    status: Literal["pass", "fail", "missing", "relaxable", "review"]
    article: str
    message: str
    items: list[FunctionResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return json_fields(self, ("required", "met", "status", "article", "message", "items"))


@dataclass
class MaterialResult:
    id: str  # material key of spec §2
    code: str  # ruleset code, e.g. NA-M03
    name: str
    article: str
    quote: str
    status: MaterialStatus
    required: bool = True
    files: list[str] = field(default_factory=list)
    satisfied_by: str | None = None  # file | sheet | report_section
    problems: list[str] = field(default_factory=list)
    fix: str | None = None
    disputed: bool = False  # review because documents disagree on a reading that is not certain

    def to_dict(self) -> dict[str, Any]:
        always = ("id", "code", "name", "article", "quote", "status", "required", "files", "problems")
        return json_fields(self, always, ("satisfied_by", "fix"))


SCHEMA = "pingtai.check/1"


@dataclass
class CheckResult:
    """One dossier checked against one ruleset on one date: the spec §3 JSON object."""

    dossier: str
    jurisdiction: str
    jurisdiction_name: str
    document: str
    as_of: date
    verdict: Verdict
    in_force: bool
    org_name: str | None = None
    conditions: list[RuleResult] = field(default_factory=list)
    functions: FunctionsResult | None = None
    exclusions: list[RuleResult] = field(default_factory=list)
    materials: list[MaterialResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)
    files: list[MaterialFile] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why this verdict, in Chinese
    error: str | None = None  # set when the dossier could not be checked at all
    source: Dossier | None = field(default=None, repr=False, compare=False)  # fill-forms: what was read
    # fill-forms: the forms' contexts, made by the batch worker that read the dossier
    form_parts: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    # a batch worker's compact JSON of this result (outputs/report/json.py Encoded), the findings
    # the batch adds after spliced in by its add_finding: used while it holds every finding
    encoded: Any = field(default=None, repr=False, compare=False)

    def to_dict(self, *, include_facts: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "dossier": self.dossier,
            "jurisdiction": self.jurisdiction,
            "jurisdiction_name": self.jurisdiction_name,
            "document": self.document,
            "as_of": self.as_of.isoformat(),
            "in_force": self.in_force,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "org_name": self.org_name,
            # Exclusions are listed among the conditions too (group "exclusion"), so a script that
            # collects failing conditions also sees an exclusion that applies.
            "conditions": [c.to_dict() for c in self.conditions + self.exclusions],
            "functions": self.functions.to_dict() if self.functions else {"required": 0, "met": 0, "items": []},
            "exclusions": [e.to_dict() for e in self.exclusions],
            "materials": [m.to_dict() for m in self.materials],
            "findings": [f.to_dict() for f in self.findings],
        }
        if include_facts:
            out["facts"] = {k: f.to_dict() for k, f in self.facts.items()}
            out["files"] = [f.to_dict() for f in self.files]
        if self.error:
            out["error"] = self.error
        return out
