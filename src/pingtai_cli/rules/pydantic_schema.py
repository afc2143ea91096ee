"""The ruleset file format, checked by pydantic: strict, unknown keys rejected, `file:line: field:
reason` per problem. Used to validate a file (rules/schema.py `load_file`) and for the JSON Schema
(`rules schema`); what passes becomes the plain objects of rules/model.py, which the rest of
pingtai reads. The docstrings here are the JSON Schema's descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

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
from pingtai_cli.core.errors import RulesetError
from pingtai_cli.rules import kinds, model
from pingtai_cli.rules.model import (
    REGION_FACT,
    CopyKind,
    EncodingStatus,
    FactType,
    FilledBy,
    Level,
    Op,
    Section,
)

CODE_RE = re.compile(r"^[A-Z]{2,4}-[A-Z]\d{2}[a-z]?$")

if TYPE_CHECKING:
    CheckKind = str
else:  # the registry's names (a new kind is a module of rules/kinds/), checked as a Literal
    CheckKind = Literal[kinds.NAMES]


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
    type: FactType = "number"
    ratio: Ratio | None = None
    growth: Growth | None = None


class NewMaterial(Strict):
    """A material key the catalogue lacks: how a file is recognised as it (file-name and title words)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    keywords: list[str] = Field(min_length=1)
    titles: list[str] = []


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
        plain = cast("model.Rule", self)  # a kind reads only fields the two classes share
        missing = kinds.kind_of(plain).missing_fields(plain)
        if missing:
            raise ValueError(f"check={self.check} 需要字段: {', '.join(missing)}")
        return self


Option.model_rebuild()


class Document(Strict):
    title: str
    number: str | None = None
    issuer: str
    level: Level
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


class Functions(Strict):
    count: FunctionCount
    items: list[FunctionReq]


class MaterialReq(Cited):
    code: str
    key: str
    name: str
    copy_kind: CopyKind = "原件或复印件"
    validity: list[ValidityKind] = []
    when: When | None = None
    required: bool = True  # False: missing only gives a hint (national 第十七条（八） 其他材料)
    note: str | None = None


class Form(Cited):
    code: str
    id: str
    name: str
    attachment: str
    filled_by: FilledBy
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


def validate(data: dict[str, Any], path: Path, lines: Callable[[], dict[tuple[Any, ...], int]]) -> model.Ruleset:
    """The resolved mapping of a ruleset file as plain objects; RulesetError with one
    `file:line: field: reason` per problem (`lines` gives the file's line index, built only then)."""
    try:
        rs = Ruleset.model_validate(data)
    except ValidationError as e:
        raise RulesetError(f"规则文件 {path} 校验失败：", _problems(e, path, lines())) from e
    out: model.Ruleset = model.from_model(rs)
    return out
