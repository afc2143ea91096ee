"""A ruleset's parts: their fields (names, types, defaults, limits) and methods, written once.

What the engine, outputs and forms read are these plain classes, which import no pydantic. The
file format is checked by pydantic models that rules/pydantic_schema.py builds from these classes'
annotations and defaults, adding the checks a type cannot say (with `file:line` reasons); the
annotations are pydantic's (`Annotated[str, Field(min_length=2)]`, `CheckKind`), evaluated only
there (this module never evaluates them: `from __future__ import annotations`). The docstrings are
the JSON Schema's descriptions. A ruleset that passed becomes these classes. Building pydantic's
models costs a cold check ~0.4 G instructions (its schema builder, plugin scan, 26 model classes)
that a check of an unchanged ruleset does not need: rules/schema.py keeps the validated result as a
JSON record (rules/record.py, `to_json` / `revive`) and revives it with these.

Objects are read-only after they are made, as the frozen pydantic models are. The defaults are for
the validating models: a plain object is always made with every field (`Record.__init__`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar

from pingtai_cli.core.nested import map_leaves

if TYPE_CHECKING:  # names the annotations use that only the validating models give a meaning to
    from pydantic import Field

    from pingtai_cli.rules.pydantic_schema import CheckKind, FunctionKey, ListKey, ValidityKind

REGION_FACT = "region:"  # the derived fact "is the applicant in region set X" is `region:X`
Op = Literal[">=", ">", "<=", "<", "=="]
EncodingStatus = Literal["draft", "confirmed"]
# The groups of a text a ruleset may say it has not encoded yet (`not_encoded:`), as reports name them.
Section = Literal["基本条件", "服务功能", "排除情形", "申报材料", "表格", "程序与期限", "放宽条款"]
FactType = Literal["number", "bool", "text", "date", "list"]
Level = Literal["national", "province", "city", "county"]
CopyKind = Literal["原件", "复印件", "原件或复印件"]
FilledBy = Literal["applicant", "bureau"]


class Record:
    """One part of a validated ruleset: its annotated names are its fields, in pydantic's order."""

    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **values: Any) -> None:
        if tuple(values) != self.FIELDS:  # a stale or altered record is refused, never half-read
            raise ValueError(f"{type(self).__name__}: fields {tuple(values)} != {self.FIELDS}")
        self.__dict__.update(values)

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        names: list[str] = []
        for klass in reversed(cls.__mro__):  # parents' fields first, as pydantic orders them
            names += [n for n in vars(klass).get("__annotations__", {}) if n != "FIELDS" and n not in names]
        cls.FIELDS = tuple(names)
        CLASSES[cls.__name__] = cls

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:  # pydantic's frozen hash: of the field values (a list field raises)
        return hash((type(self), *vars(self).values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        """The fields as plain data, as pydantic's `model_dump(mode="python")` gives them."""
        if mode != "python":
            raise ValueError(f"model_dump: only mode='python', not {mode!r}")
        return {k: _plain(v) for k, v in vars(self).items()}

    @classmethod
    def model_validate(cls, data: Any) -> Any:
        """Validate `data` with this class's pydantic model (pydantic's ValidationError if invalid);
        parts of `data` already made of these classes are read as their fields."""
        from pingtai_cli.rules import pydantic_schema

        return from_model(pydantic_schema.MODELS[cls.__name__].model_validate(_plain(data)))

    @classmethod
    def model_json_schema(cls, **kw: Any) -> dict[str, Any]:
        from pingtai_cli.rules import pydantic_schema

        schema: dict[str, Any] = pydantic_schema.MODELS[cls.__name__].model_json_schema(**kw)
        return schema


CLASSES: dict[str, type[Record]] = {}


R = TypeVar("R", bound=Record)


def made(cls: type[R], **given: Any) -> R:
    """A record made here rather than read from a file: the fields not given take their defaults
    (a list default copied)."""
    values = {}
    for name in cls.FIELDS:
        value = given[name] if name in given else getattr(cls, name)
        values[name] = list(value) if isinstance(value, list) else value
    return cls(**values)


def _plain(value: Any) -> Any:
    return map_leaves(value, lambda v: v.model_dump() if isinstance(v, Record) else v)


# ---------------------------------------------------------------- conversion


def from_model(obj: Any) -> Any:
    """A validated pydantic object (and everything in it) as the plain classes here."""
    return map_leaves(obj, _from_one_model)


def _from_one_model(obj: Any) -> Any:
    fields = getattr(type(obj), "model_fields", None)
    if fields is None:
        return obj
    return CLASSES[type(obj).__name__](**{n: from_model(getattr(obj, n)) for n in fields})


def _encode(value: Any) -> Any:
    if isinstance(value, Record):
        return {"__record__": type(value).__name__, **vars(value)}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    raise TypeError(f"not kept in a ruleset record: {type(value).__name__}")  # → no record written


def revive(obj: dict[str, Any]) -> Any:
    """json's object_hook for `to_json`'s text: records and dates made again, the rest as read."""
    name = obj.get("__record__")
    if isinstance(name, str) and name in CLASSES:
        return CLASSES[name](**{k: v for k, v in obj.items() if k != "__record__"})
    if len(obj) == 1 and isinstance(obj.get("__date__"), str):
        return date.fromisoformat(obj["__date__"])
    return obj


def to_json(data: Any) -> str:
    """JSON text of data holding records (read back with `json.loads(text, object_hook=revive)`);
    TypeError for a value JSON cannot keep."""
    return json.dumps(data, default=_encode, ensure_ascii=False)


# ---------------------------------------------------------------- the parts of a ruleset


class Cited(Record):
    """Anything taken from a text: where it is and what it says."""

    article: str
    quote: Annotated[str, Field(min_length=2)]
    # Set when the quote is not from the ruleset's own text (a year's notice a user supplies):
    # names that document, and tells readers not to look the quote up in `document.source_file`.
    source: str | None = None
    # draft: proposed by `pingtai rules new` (or a person) and not yet confirmed against the text;
    # a check resting on it is never a confident verdict.
    status: EncodingStatus = "confirmed"


class NotEncoded(Record):
    """A part of the text the ruleset does not encode yet: reports say 未编码, never 未规定."""

    section: Section
    article: str | None = None
    note: str


class Ratio(Record):
    """numerator ÷ denominator (× 100 when `percent`): fact keys, or columns of the yearly table."""

    numerator: str
    denominator: str
    percent: bool = True


class Growth(Record):
    """A column of the yearly table rising every year over the latest `years` years (近三年稳定增长)."""

    column: str = "smes_served"
    years: Annotated[int, Field(ge=2, le=5)] = 2


class DeclaredFact(Record):
    """A fact key the contract lacks, declared by the ruleset that tests it; a ratio or growth is derived."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: str
    unit: str | None = None
    type: FactType = "number"
    ratio: Ratio | None = None
    growth: Growth | None = None

    def inputs(self) -> list[str]:
        """The fact keys it is computed from (yearly-table columns excluded)."""
        from pingtai_cli import vocab

        names = [self.ratio.numerator, self.ratio.denominator] if self.ratio else []
        return [n for n in names if n not in vocab.get().yearly_columns]


class NewMaterial(Record):
    """A material key the catalogue lacks: how a file is recognised as it (file-name and title words)."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    keywords: Annotated[list[str], Field(min_length=1)]
    titles: list[str] = []


class When(Record):
    """A condition on the dossier that selects a variant: a fact equals a value, or the applicant
    is registered in a region set (`when: {region: 珠三角}`, a set of `region_sets`)."""

    field: str
    equals: Any = True
    region: str | None = None


class RegionSet(Record):
    """Named divisions a rule variant may be keyed on (珠三角 = 广州、深圳 … by GB/T 2260 code prefix),
    matched against the division of the applicant's credit code (characters 3–8)."""

    name: str
    codes: list[str] = []  # division-code prefixes: 4401 (广州市), 44 (广东省)
    divisions: list[str] = []  # or names the division table resolves: 广州市, 深圳市
    article: str | None = None
    quote: str | None = None
    source: str | None = None  # the document that defines the set, when not the ruleset's own text
    status: EncodingStatus = "confirmed"  # draft: `rules new` found the name, a person lists the divisions

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


class Option(Record):
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

    def walk(self) -> list[Rule]:
        """This rule and every rule nested in its options."""
        out = [self]
        for opt in self.options:
            for r in opt.rules:
                out.extend(r.walk())
        return out


class Document(Record):
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

    @property
    def issued_text(self) -> str:
        return self.issued.isoformat() if self.issued else "未知"

    @property
    def cited(self) -> str:
        """《title》（number）, as reports and forms name the document."""
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")


class Area(Cited):
    """Administrative-division prefixes (credit code characters 3–8) of the area the text covers.

    A text that recognises only platforms of its own area but sets no basic condition on it (the
    recommendation of 本地区/辖区内 platforms: liaoning 第十五条, heilongjiang 第九条) still does
    not recognise an applicant outside it: when no basic rule tests the area (`check: in_area`),
    the area is checked as the condition `code` ("在…辖区内", `area_rule`), shown only when the
    applicant may lie outside it. `outside` is the ruleset's reading of what being outside means."""

    codes: list[str]
    name: str
    code: str | None = None  # the condition's code when no basic rule tests the area (LN-A01)
    outside: str | None = None  # the reading: what an applicant outside the area is under this text

    def rule_code(self, prefix: str) -> str:
        return self.code or f"{prefix}-A01"


class Governing(Cited):
    """A document whose value of a fact governs the 申请表's when the two differ (资产总额以上一年度
    审计报告为准): read with certainty, its value decides the conditions and the 申请表 is to be
    corrected; otherwise, and for every fact no entry names, a difference that changes a
    condition's outcome leaves it for review (engine/consistency.py)."""

    fact: str  # a fact key of the vocabulary (total_assets)
    material: str  # the material whose document states it (audit_report)
    note: str | None = None  # the reading, in Chinese


class Relaxation(Cited):
    code: str
    name: str
    flags: list[str]  # fact keys that must all be true to claim it
    discretionary: bool = True


class FunctionCount(Cited):
    min: Annotated[int, Field(ge=0)] = 1  # 0: the text sets no count rule (its functions are shown, not counted)
    by_platform_type: dict[str, int] = {}


class FunctionReq(Cited):
    function: FunctionKey
    name: str
    rules: list[Rule]

    def fields(self) -> list[str]:
        """The fact keys this function's rules test (options included)."""
        return list(dict.fromkeys(r.field for top in self.rules for r in top.walk() if r.field))


class Functions(Record):
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
    sections: Annotated[list[str], Field(min_length=1)]
    list_minimums: list[ListMinimum] = []


class ProcedureFact(Cited):
    code: str
    id: str
    title: str
    value: float | str
    unit: str | None = None


class Ruleset(Record):
    key: str
    name: str
    extends: str | None = None
    document: Document
    area: Area | None = None
    relaxations: list[Relaxation] = []
    governing: list[Governing] = []  # which document's value of a fact governs the 申请表's
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

    def area_rule(self) -> Rule | None:
        """The area as a condition (`check: in_area`), for a text whose basic rules do not test it
        (None when one does: xuchang XC-B01); engine/verdict.py applies it only where the applicant
        may lie outside."""
        from pingtai_cli.rules.kinds import kind_of
        from pingtai_cli.rules.kinds.in_area import AREA_FACT

        if self.area is None or any(kind_of(r).fact_key(r) == AREA_FACT for r in self.basic):
            return None
        prefix = self.basic[0].code.split("-")[0] if self.basic else self.key.upper()[:2]
        return made(
            Rule,
            code=self.area.rule_code(prefix), name="basic.area", title=f"在{self.area.name}辖区内",
            article=self.area.article, quote=self.area.quote, check="in_area", field="registered_area",
            note=self.area.outside,
            fix=f"本办法适用于{self.area.name}辖区内的平台（{self.area.article}）；在其他地区注册登记的单位，"
            f"向注册地的主管部门申报。“所在地区”“注册地址”请按营业执照填写。",
        )

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
        from pingtai_cli.core.errors import UnknownRule

        for r in self.all_rules():
            if r.code == code:
                return r
        area = self.area_rule()  # the area's condition (LN-A01), listed only for an applicant outside
        if area is not None and area.code == code:
            return area
        raise UnknownRule(f"规则 {code} 不存在于 {self.key}")

    def relaxation(self, code: str) -> Relaxation | None:
        return next((r for r in self.relaxations if r.code == code), None)

    def function_fields(self) -> dict[str, list[str]]:
        """Service function → the fact keys its rules test."""
        return {item.function: item.fields() for item in self.functions.items}

    def in_force(self, on: date) -> bool:
        doc = self.document
        return doc.in_force_from <= on and (doc.in_force_until is None or on <= doc.in_force_until)

