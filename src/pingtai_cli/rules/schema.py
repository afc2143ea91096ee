"""Rulesets: one YAML file per jurisdiction, validated strictly, with `extends:` inheritance.

The law is data. Every rule carries its article and the verbatim clause; the
schema rejects unknown keys and reports `file:line: field: reason` per problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError

from pingtai_cli import vocab
from pingtai_cli.core.errors import PingtaiError, RulesetError, UnknownJurisdiction, UnknownRule
from pingtai_cli.core.yamlload import YAML_LOADER  # noqa: F401 - re-exported
from pingtai_cli.rules import kinds
from pingtai_cli.rules.files import (  # noqa: F401 - re-exported
    RULESETS_ENV,
    available,
    bad_date,
    key_of,
    package_data_dir,
    ruleset_dirs,
    ruleset_in,
)

CODE_RE = re.compile(r"^[A-Z]{2,4}-[A-Z]\d{2}[a-z]?$")

if TYPE_CHECKING:
    CheckKind = str
else:  # the registry's names (a new kind is a module of rules/kinds/), checked as a Literal
    CheckKind = Literal[kinds.NAMES]
Op = Literal[">=", ">", "<=", "<", "=="]


@dataclass(frozen=True)
class _OneOfVocabulary:
    """A key of a vocabulary table (vocab/*.yaml), checked when a ruleset is read and listed as the
    schema's enum: a new function or validity kind is a YAML entry, not an edit here."""

    table: str  # an attribute of vocab.Vocabulary: functions, validity, list_sheets

    def keys(self) -> list[str]:
        return list(getattr(vocab.get(), self.table))

    def __call__(self, value: Any) -> Any:
        keys = self.keys()
        if value not in keys:  # pydantic's own words for a Literal, so messages read as before
            expected = ", ".join(f"'{k}'" for k in keys[:-1]) + f" or '{keys[-1]}'" if len(keys) > 1 else f"'{keys[0]}'"
            raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})
        return value

    def __get_pydantic_json_schema__(self, core: CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        schema = handler(core)
        schema["enum"] = self.keys()
        return schema


_FUNCTIONS, _VALIDITY, _LISTS = (_OneOfVocabulary(t) for t in ("functions", "validity", "list_sheets"))
FunctionKey = Annotated[str, BeforeValidator(_FUNCTIONS), _FUNCTIONS]  # vocab/functions.yaml
ValidityKind = Annotated[str, BeforeValidator(_VALIDITY), _VALIDITY]  # vocab/validity.yaml
ListKey = Annotated[str, BeforeValidator(_LISTS), _LISTS]  # vocab/lists.yaml (the list sheets)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


EncodingStatus = Literal["draft", "confirmed"]
# The groups of a text a ruleset may say it has not encoded yet (`not_encoded:`), as reports name them.
Section = Literal["基本条件", "服务功能", "排除情形", "申报材料", "表格", "程序与期限", "放宽条款"]


class Cited(Strict):
    """Anything taken from a text: where it is and what it says."""

    article: str
    quote: str = Field(min_length=2)
    # Set when the quote is not from the ruleset's own text (a year's notice a user supplies):
    # names that document, and tells readers not to look the quote up in `document.source_file`.
    source: str | None = None
    # draft: proposed by `pingtai rules new` (or a person) and not yet confirmed against the text;
    # a check resting on it is never a confident verdict.
    status: EncodingStatus = "confirmed"


class NotEncoded(Strict):
    """A part of the text the ruleset does not encode yet: reports say 未编码, never 未规定."""

    section: Section
    article: str | None = None
    note: str


class Ratio(Strict):
    """numerator ÷ denominator (× 100 when `percent`): fact keys, or columns of the yearly table."""

    numerator: str
    denominator: str
    percent: bool = True


class Growth(Strict):
    """A column of the yearly table rising every year over the latest `years` years (近三年稳定增长)."""

    column: str = "smes_served"
    years: int = Field(default=2, ge=2, le=5)


class DeclaredFact(Strict):
    """A fact key the contract lacks, declared by the ruleset that tests it; a ratio or growth is derived."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    unit: str | None = None
    type: Literal["number", "bool", "text", "date", "list"] = "number"
    ratio: Ratio | None = None
    growth: Growth | None = None

    def inputs(self) -> list[str]:
        """The fact keys it is computed from (yearly-table columns excluded)."""
        from pingtai_cli import vocab

        names = [self.ratio.numerator, self.ratio.denominator] if self.ratio else []
        return [n for n in names if n not in vocab.get().yearly_columns]


class NewMaterial(Strict):
    """A material key the catalogue lacks: how a file is recognised as it (file-name and title words)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    keywords: list[str] = Field(min_length=1)
    titles: list[str] = []


REGION_FACT = "region:"  # the derived fact "is the applicant in region set X" is `region:X`


class When(Strict):
    """A condition on the dossier that selects a variant: a fact equals a value, or the applicant
    is registered in a region set (`when: {region: 珠三角}`, a set of `region_sets`)."""

    field: str
    equals: Any = True
    region: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _region_is_a_fact(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("region") and "field" not in data:
            return {**data, "field": f"{REGION_FACT}{data['region']}", "equals": True}
        return data


class RegionSet(Strict):
    """Named divisions a rule variant may be keyed on (珠三角 = 广州、深圳 … by GB/T 2260 code prefix),
    matched against the division of the applicant's credit code (characters 3–8)."""

    name: str
    codes: list[str] = []  # division-code prefixes: 4401 (广州市), 44 (广东省)
    divisions: list[str] = []  # or names the division table resolves: 广州市, 深圳市
    article: str | None = None
    quote: str | None = None
    source: str | None = None  # the document that defines the set, when not the ruleset's own text
    status: EncodingStatus = "confirmed"  # draft: `rules new` found the name, a person lists the divisions

    @model_validator(mode="after")
    def _some_division(self) -> RegionSet:
        if not self.codes and not self.divisions and self.status != "draft":
            raise ValueError(f"地区集合 {self.name} 需要 codes（行政区划代码前缀）或 divisions（地名）")
        return self

    def prefixes(self) -> list[str]:
        """codes, plus the prefixes of the named divisions (unknown names are validate's problem)."""
        from pingtai_cli.core import regions

        out = list(self.codes)
        for name in self.divisions:
            found = regions.find_in_address(name)
            if len(found) == 1:
                out.append(found[0].prefix)
        return out


class Variant(Cited):
    """Another value for the same rule when a condition holds (shaoguan 第七条（一）'s 50万元)."""

    when: When
    value: float


class Reading(Cited):
    """A second reading of an ambiguous or self-contradicting text; shown, never silently chosen."""

    value: float | None = None
    field: str | None = None
    note: str


class Option(Strict):
    """One branch of an `any_of` rule (financing: 服务机构 or 融资担保机构)."""

    name: str
    rules: list[Rule]


class Rule(Cited):
    code: str
    name: str  # dotted, readable: basic.total_assets
    title: str  # Chinese, short: 资产总额不低于300万元
    check: CheckKind
    field: str | None = None
    op: Op = ">="
    value: float | None = None
    unit: str | None = None
    relaxable_by: list[str] = []
    variants: list[Variant] = []
    readings: list[Reading] = []
    options: list[Option] = []
    patterns: list[str] = []  # text_match: regular expressions of what the text names
    review_patterns: list[str] = []  # text_match: what the text may name (→ review); other lines do not pass
    labels: list[str] = []  # form labels that state the figure the clause names (办公场所面积)
    bound_labels: list[str] = []  # labels of a wider figure (从业人数 ⊇ 专职从业人数): failing it is sure
    prerequisite: bool = False  # review rule of a function: until a person confirms it, the function is met only pending review
    allowed: list[str] = []  # one_of: substrings that pass
    fix: str | None = None  # what an applicant can do, in Chinese
    note: str | None = None  # how pingtai reads the clause

    @field_validator("code")
    @classmethod
    def _code_format(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError(f"规则编号 {v!r} 格式应为 XX-B01（地区缩写-类别字母-两位序号）")
        return v

    @field_validator("patterns", "review_patterns")
    @classmethod
    def _patterns_bounded(cls, v: list[str]) -> list[str]:
        from pingtai_cli.core.patterns import compiled

        for p in v:
            compiled(p)  # ValueError: a construct RE2 cannot run in linear time
        return v

    @model_validator(mode="after")
    def _kind_needs(self) -> Rule:
        missing = kinds.kind_of(self).missing_fields(self)
        if missing:
            raise ValueError(f"check={self.check} 需要字段: {', '.join(missing)}")
        return self

    def walk(self) -> list[Rule]:
        """This rule and every rule nested in its options."""
        out = [self]
        for opt in self.options:
            for r in opt.rules:
                out.extend(r.walk())
        return out


Option.model_rebuild()


class Document(Strict):
    title: str
    number: str | None = None
    issuer: str
    level: Literal["national", "province", "city", "county"]
    issued: date | None  # None: the text states no date (`issued: unknown`)
    in_force_from: date
    in_force_until: date | None = None
    # Another reading of the end date (shaoguan: the 5 years counted with the issue day as the
    # first, 2027-10-19, against 民法典 第二百零一条's 2027-10-20): between the two the text is in
    # force by `in_force_until` and the report says the other reading disagrees.
    in_force_until_other: date | None = None
    in_force_until_note: str | None = None
    in_force_article: str | None = None
    in_force_quote: str | None = None
    source_file: str | None = None
    parent: str | None = None
    recognition_title: str

    @field_validator("issued", mode="before")
    @classmethod
    def _unknown_date(cls, v: Any) -> Any:
        return None if isinstance(v, str) and v.strip().lower() in ("unknown", "未知", "不详") else v

    @property
    def issued_text(self) -> str:
        return self.issued.isoformat() if self.issued else "未知"

    @property
    def cited(self) -> str:
        """《title》（number）, as reports and forms name the document."""
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")


class Area(Cited):
    """Administrative-division prefixes (credit code characters 3–8) of the area the text covers."""

    codes: list[str]
    name: str


class Relaxation(Cited):
    code: str
    name: str
    flags: list[str]  # fact keys that must all be true to claim it
    discretionary: bool = True


class FunctionCount(Cited):
    min: int = Field(default=1, ge=0)  # 0: the text sets no count rule (its functions are shown, not counted)
    by_platform_type: dict[str, int] = {}


class FunctionReq(Cited):
    function: FunctionKey
    name: str
    rules: list[Rule]

    def fields(self) -> list[str]:
        """The fact keys this function's rules test (options included)."""
        return list(dict.fromkeys(r.field for top in self.rules for r in top.walk() if r.field))


class Functions(Strict):
    count: FunctionCount
    items: list[FunctionReq]


class MaterialReq(Cited):
    code: str
    key: str
    name: str
    copy_kind: Literal["原件", "复印件", "原件或复印件"] = "原件或复印件"
    validity: list[ValidityKind] = []
    when: When | None = None
    required: bool = True  # False: missing only gives a hint (national 第十七条（八） 其他材料)
    note: str | None = None


class Form(Cited):
    code: str
    id: str
    name: str
    attachment: str
    filled_by: Literal["applicant", "bureau"]
    template: str | None = None


class ListMinimum(Cited):
    """A list the 申请报告 must carry with at least `min` rows (xuchang 附件2 四、…（30家以上））."""

    list: ListKey
    min: int


class ApplicationReport(Cited):
    """The sections the 申请报告 must have, where a text gives its layout (xuchang 附件2)."""

    attachment: str | None = None
    sections: list[str] = Field(min_length=1)
    list_minimums: list[ListMinimum] = []


class ProcedureFact(Cited):
    code: str
    id: str
    title: str
    value: float | str
    unit: str | None = None


class Ruleset(Strict):
    key: str
    name: str
    extends: str | None = None
    document: Document
    area: Area | None = None
    relaxations: list[Relaxation] = []
    basic: list[Rule]
    functions: Functions
    exclusions: list[Rule] = []
    materials: list[MaterialReq] = []
    materials_note: Cited | None = None
    forms: list[Form] = []
    application_report: ApplicationReport | None = None
    procedure: list[ProcedureFact] = []
    readings: list[str] = []  # interpretation notes for the whole text
    status: EncodingStatus = "confirmed"
    not_encoded: list[NotEncoded] = []
    facts: list[DeclaredFact] = []  # fact keys this ruleset adds
    region_sets: list[RegionSet] = []  # named sets of divisions that variants may be keyed on
    new_materials: list[NewMaterial] = []  # material keys this ruleset adds

    def draft_codes(self) -> list[str]:
        """Codes of every entry still marked draft."""
        out = [r.code for r in self.all_rules() if r.status == "draft"]
        out += [m.code for m in self.materials if m.status == "draft"]
        out += [p.code for p in self.procedure if p.status == "draft"]
        out += [x.code for x in self.relaxations if x.status == "draft"]
        out += [f"地区集合“{r.name}”" for r in self.region_sets if r.status == "draft"]
        return out

    def declared_fact(self, key: str) -> DeclaredFact | None:
        return next((f for f in self.facts if f.key == key), None)

    def all_rules(self) -> list[Rule]:
        rules: list[Rule] = []
        for r in self.basic:
            rules.extend(r.walk())
        for f in self.functions.items:
            for r in f.rules:
                rules.extend(r.walk())
        for r in self.exclusions:
            rules.extend(r.walk())
        return rules

    def rule(self, code: str) -> Rule:
        for r in self.all_rules():
            if r.code == code:
                return r
        raise UnknownRule(f"规则 {code} 不存在于 {self.key}")

    def relaxation(self, code: str) -> Relaxation | None:
        return next((r for r in self.relaxations if r.code == code), None)

    def function_fields(self) -> dict[str, list[str]]:
        """Service function → the fact keys its rules test."""
        return {item.function: item.fields() for item in self.functions.items}

    def in_force(self, on: date) -> bool:
        doc = self.document
        return doc.in_force_from <= on and (doc.in_force_until is None or on <= doc.in_force_until)


def cited_items(obj: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every object of a ruleset that carries article + quote, with a readable location."""
    if isinstance(obj, BaseModel):
        code = getattr(obj, "code", None)
        here = f"{where}({code})" if code else where
        if isinstance(getattr(obj, "quote", None), str) and hasattr(obj, "article"):
            yield here, obj
        for name in type(obj).model_fields:
            yield from cited_items(getattr(obj, name), f"{here}.{name}" if here else name)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from cited_items(item, f"{where}[{i}]")


def unquoted(rs: Ruleset, policy_text: str) -> list[tuple[str, str]]:
    """(where, quote) of every quote that is not verbatim in the policy text."""
    out = [(where, item.quote) for where, item in cited_items(rs) if not quote_in_text(item.quote, policy_text)]
    doc = rs.document
    if doc.in_force_quote and not quote_in_text(doc.in_force_quote, policy_text):
        out.append(("document.in_force_quote", doc.in_force_quote))
    if rs.application_report:
        out += [("application_report", s) for s in rs.application_report.sections if not quote_in_text(s, policy_text)]
    return out


def _date_reason(e: ValueError) -> str:
    """The date library's reason in Chinese (month must be in 1..12 → 月份应为1–12)."""
    text = str(e)
    for english, chinese in (("month must be in", "月份应为1–12"), ("day is out of range", "该月没有这一天"),
                             ("year", "年份超出范围")):
        if english in text:
            return chinese
    return "不是有效的日期，应写如 2025-03-18"


def squash(text: str) -> str:
    """Text without whitespace and with full-width forms folded (`，（）％` = `,()%`): policy texts
    break lines, pad numbers (`不低于 50 万元`) and mix full- and half-width punctuation."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def quote_in_text(quote: str, text: str) -> bool:
    """Is `quote` a verbatim substring of a policy text, whitespace and character width aside?"""
    return squash(quote) in squash(text)


def nearest_passage(quote: str, text: str) -> tuple[str, int, str]:
    """(the passage of `text` closest to a quote not found in it, the 1-based character of the quote
    where they part, what the text has there). Both compared folded, as `quote_in_text` does."""
    import difflib

    q, t = squash(quote), squash(text)
    lo, hi = 0, len(q)  # the longest prefix of the quote that is in the text
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if q[:mid] in t:
            lo = mid
        else:
            hi = mid - 1
    if lo >= min(4, len(q)):
        start = t.find(q[:lo])
    else:  # not even its opening is there: the longest common piece anywhere
        m = difflib.SequenceMatcher(None, q, t, autojunk=False).find_longest_match(0, len(q), 0, len(t))
        start, lo = max(0, m.b - m.a), 0
    folded, where = _squash_map(text)
    if folded != t:  # a character NFKC composes with its neighbour: show the folded form
        return t[start : start + len(q) + 6], lo + 1, t[start + lo : start + lo + 1]
    end = min(start + len(q) + 6, len(t))  # shown in the text's own characters (；, not ;), to copy
    passage = re.sub(r"\s+", " ", text[where[start] : where[end - 1] + 1]) if end > start else ""
    there = text[where[start + lo]] if start + lo < len(t) else ""
    return passage, lo + 1, there


def _squash_map(text: str) -> tuple[str, list[int]]:
    """squash(text), folded character by character, with the index in `text` of each character kept."""
    import unicodedata

    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKC", ch):
            if not f.isspace():
                out.append(f)
                where.append(i)
    return "".join(out), where


# ---------------------------------------------------------------- locating files


# package_data_dir, ruleset_dirs and available live in rulefiles.py (no pydantic there, so
# `pingtai rules list` can read headers fast); they are re-exported here unchanged.


# ---------------------------------------------------------------- loading


def _line_index(
    node: yaml.Node, path: tuple[Any, ...] = (), lines: dict[tuple[Any, ...], int] | None = None
) -> dict[tuple[Any, ...], int]:
    """Map every key path of a YAML document to its 1-based line, for error messages (one dict
    filled in place: merging a dict per node made it quadratic in the depth)."""
    lines = {} if lines is None else lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _line_index(v, (*path, k.value), lines)
            lines[(*path, k.value)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_index(v, (*path, i), lines)
    return lines


def _read_yaml(path: Path, *, lines: bool = True) -> tuple[dict[str, Any], dict[tuple[Any, ...], int]]:
    """The file's mapping and (with `lines`) its line index; loading skips the index, which only
    says where a problem is."""
    from pingtai_cli.rules.files import RulesetFileError, load_untrusted, read_bounded

    try:
        text = read_bounded(path)
        data, node = load_untrusted(text)
    except RulesetFileError as e:
        raise RulesetError(f"规则文件 {path}：{e}") from e
    except (OSError, UnicodeDecodeError) as e:  # before ValueError, of which UnicodeDecodeError is one
        raise RulesetError(f"无法读取规则文件 {path}: {e}") from e
    except ValueError as e:  # an impossible date: the loader says which value, the node where
        bad = bad_date(yaml.compose(text, Loader=YAML_LOADER))
        line = bad.start_mark.line + 1 if bad is not None else "?"
        value = bad.value if bad is not None else ""
        raise RulesetError(f"规则文件 {path} 中有无效的日期", [f"{path.name}:{line}: (YAML): 日期无效：{value}（{_date_reason(e)}）"]) from e
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else "?"
        raise RulesetError(f"规则文件 {path} 不是有效的 YAML", [f"{path.name}:{line}: (YAML): {e.problem or e}"]) from e
    except yaml.YAMLError as e:
        raise RulesetError(f"规则文件 {path} 不是有效的 YAML", [str(e)]) from e
    if not isinstance(data, dict) or node is None:
        raise RulesetError(f"规则文件 {path} 顶层应为映射（key: value）")
    return data, (_line_index(node) if lines else {})


def _merge_rules(base: list[dict[str, Any]], child: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Child rules replace base rules of the same code (deep-merged), new codes are appended."""
    out = [dict(r) for r in base]
    index = {r.get("code"): i for i, r in enumerate(out)}
    for r in child:
        if r.get("remove"):
            out = [x for x in out if x.get("code") != r.get("code")]
            index = {x.get("code"): i for i, x in enumerate(out)}
        elif r.get("code") in index:
            out[index[r["code"]]] = _deep_merge(out[index[r["code"]]], r)
        else:
            out.append(r)
    return out


def _deep_merge(base: Any, child: Any) -> Any:
    if isinstance(base, dict) and isinstance(child, dict):
        merged = dict(base)
        for k, v in child.items():
            merged[k] = _deep_merge(base.get(k), v) if k in base else v
        return merged
    if (
        isinstance(base, list)
        and isinstance(child, list)
        and child
        and isinstance(child[0], dict)
        and (all("code" in x for x in child) or all("function" in x for x in child))
    ):
        keyname = "code" if "code" in child[0] else "function"
        return _merge_keyed(base, child, keyname)
    return child


def _merge_keyed(base: list[Any], child: list[Any], keyname: str) -> list[Any]:
    if keyname == "code":
        return _merge_rules(base, child)
    out = list(base)
    for c in child:
        pos = next((i for i, b in enumerate(out) if b.get(keyname) == c.get(keyname)), None)
        if pos is None:
            out.append(c)
        else:
            out[pos] = _deep_merge(out[pos], c)
    return out


def _resolve(path: Path, dirs_extra: Path | None, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    data, _ = _read_yaml(path, lines=False)
    parent = data.get("extends")
    if not parent:
        return data
    if parent in seen:
        raise RulesetError(f"规则文件 {path}: extends 形成循环 ({' → '.join((*seen, parent))})")
    parent_path = find_parent(path, str(parent), dirs_extra)
    if parent_path is None:
        raise RulesetError(
            f"规则文件 {path}: extends 的上级规则 {parent!r} 不存在"
            "（放在同一文件夹，或用 --rulesets-dir 指定其所在文件夹）"
        )
    base = _resolve(parent_path, dirs_extra, (*seen, data.get("key", key_of(path))))
    merged = _deep_merge({k: v for k, v in base.items() if k != "extends"}, data)
    return dict(merged)


def find_parent(path: Path, parent: str, dirs_extra: Path | None) -> Path | None:
    """The file of an `extends:` key: beside the child first (a county ships with its city), then the search dirs.

    Beside means the same directory for a flat `<key>.yaml`, the sibling folders for a `<key>/ruleset.yaml`
    (either layout on either side)."""
    homes = [path.parent] if key_of(path) == path.stem else [path.parent.parent, path.parent]
    for home in homes:
        beside = ruleset_in(home, parent)
        if beside is not None and beside.resolve() != path.resolve():
            return beside
    return available(dirs_extra).get(parent)


def parent_chain(path: Path, dirs_extra: Path | None) -> list[tuple[Path, dict[str, Any]]]:
    """(file, raw mapping) of a ruleset and each ruleset it extends, child first."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None and current.resolve() not in seen:
        seen.add(current.resolve())
        data, _ = _read_yaml(current, lines=False)
        chain.append((current, data))
        parent = data.get("extends")
        current = find_parent(current, str(parent), dirs_extra) if parent else None
    return chain


def _problems(err: ValidationError, path: Path, lines: dict[tuple[Any, ...], int]) -> list[str]:
    out = []
    for e in err.errors():
        loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and x.startswith("function-after")))
        line = None
        for n in range(len(loc), -1, -1):
            if loc[:n] in lines:
                line = lines[loc[:n]]
                break
        where = ".".join(str(x) for x in loc) or "(顶层)"
        out.append(f"{path.name}:{line or '?'}: {where}: {_in_chinese(e['msg'])}")
    return out


# pydantic's messages, the ones a person writing a ruleset meets
_MESSAGES = (
    ("Extra inputs are not permitted", "未知字段（不允许）"),
    ("Field required", "缺少必填字段"),
    ("Input should be a valid number", "应为数字"),
    ("Input should be a valid integer", "应为整数"),
    ("Input should be a valid string", "应为文字"),
    ("Input should be a valid boolean", "应为 true 或 false"),
    ("Input should be a valid date", "应为日期（YYYY-MM-DD）"),
    ("Input should be a valid list", "应为列表"),
    ("Input should be a valid dictionary", "应为键值对"),
    ("Input should be ", "取值应为 "),
    ("List should have at least", "列表至少应有"),
    ("Value error, ", ""),
)


def _in_chinese(msg: str) -> str:
    for english, chinese in _MESSAGES:
        msg = msg.replace(english, chinese)
    return msg.replace(" or ", " 或 ")


def load_file(path: Path, extra_dir: Path | None = None) -> Ruleset:
    """Load and validate one ruleset file (resolving `extends:`)."""
    data = _resolve(path, extra_dir)
    try:
        rs = Ruleset.model_validate(data)
    except ValidationError as e:
        _, lines = _read_yaml(path)  # the file's lines, only to say where a problem is
        raise RulesetError(f"规则文件 {path} 校验失败：", _problems(e, path, lines)) from e
    _check_references(rs, path)
    from pingtai_cli.vocab import DECLARED_LABELS

    for f in rs.facts:
        DECLARED_LABELS.setdefault(f.key, f.label)
    return rs


def _check_references(rs: Ruleset, path: Path) -> None:
    """Codes unique; every relaxable_by names a relaxation of this ruleset."""
    problems = []
    seen: set[str] = set()
    codes = [r.code for r in rs.all_rules()] + [m.code for m in rs.materials]
    codes += [r.code for r in rs.relaxations] + [f.code for f in rs.forms] + [p.code for p in rs.procedure]
    for c in codes:
        if c in seen:
            problems.append(f"{path.name}: 规则编号 {c} 重复")
        seen.add(c)
    relax = {r.code for r in rs.relaxations}
    for r in rs.all_rules():
        problems += [f"{path.name}: {r.code}.relaxable_by: 未定义的放宽条款 {x}" for x in r.relaxable_by if x not in relax]
    if problems:
        raise RulesetError(f"规则文件 {path} 校验失败：", problems)


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float, extra: str | None) -> Ruleset:
    return load_file(Path(path), Path(extra) if extra else None)


def _suggest(key: str, files: dict[str, Path], extra_dir: Path | None) -> str | None:
    """`lioaning` → liaoning, `辽宁` → liaoning (辽宁省): the key a person probably meant."""
    import difflib

    close = difflib.get_close_matches(key.lower(), list(files), n=1, cutoff=0.6)
    if close:
        return close[0]
    for k, p in files.items():  # a Chinese name: only on this error path is every file read
        try:
            name = _load_cached(str(p), p.stat().st_mtime, str(extra_dir) if extra_dir else None).name
        except (PingtaiError, OSError):
            continue
        if key and (key in name or name.rstrip("省市县区") == key):
            return f"{k}（{name}）"
    return None


def load_ruleset(key: str, extra_dir: Path | None = None) -> Ruleset:
    """The ruleset for a jurisdiction key, from user dirs or the shipped ones."""
    files = available(extra_dir)
    if key not in files:
        known = "、".join(files) or "（无）"
        hint = _suggest(key, files, extra_dir)
        raise UnknownJurisdiction(f"未知的地区 {key!r}。可用：{known}" + (f"。是否要用 {hint}？" if hint else ""))
    p = files[key]
    return _load_cached(str(p), p.stat().st_mtime, str(extra_dir) if extra_dir else None)


def load_all(extra_dir: Path | None = None) -> list[Ruleset]:
    return [load_ruleset(k, extra_dir) for k in available(extra_dir)]


def find_rule(code: str, extra_dir: Path | None = None) -> tuple[Ruleset, Rule]:
    """Look a rule code up across every ruleset (`rules explain CODE`)."""
    for rs in load_all(extra_dir):
        for r in rs.all_rules():
            if r.code == code:
                return rs, r
    raise UnknownRule(f"找不到规则 {code}。用 `pingtai rules show 地区` 查看规则编号。")
