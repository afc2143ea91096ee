"""A validated ruleset as plain objects: what the engine, outputs and forms read.

The file format is checked by the pydantic models of rules/pydantic_schema.py (strict, with
`file:line` reasons); a ruleset that passed becomes these classes, which have the same names,
the same fields and the methods the code uses, and import no pydantic. Building pydantic's
models costs a cold check ~0.4 G instructions (its schema builder, plugin scan, 26 model
classes) that a check of an unchanged ruleset does not need: rules/schema.py keeps the
validated result as a JSON record (rules/record.py, `to_json` / `revive`) and revives it with these.

Objects are read-only after they are made, as the frozen pydantic models were.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, ClassVar, Literal

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
    """One part of a validated ruleset: its fields are the pydantic model's of the same name."""

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

        return from_model(getattr(pydantic_schema, cls.__name__).model_validate(_plain(data)))

    @classmethod
    def model_json_schema(cls, **kw: Any) -> dict[str, Any]:
        from pingtai_cli.rules import pydantic_schema

        schema: dict[str, Any] = getattr(pydantic_schema, cls.__name__).model_json_schema(**kw)
        return schema


CLASSES: dict[str, type[Record]] = {}


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- conversion


def from_model(obj: Any) -> Any:
    """A validated pydantic object (and everything in it) as the plain classes here."""
    fields = getattr(type(obj), "model_fields", None)
    if fields is not None:
        return CLASSES[type(obj).__name__](**{n: from_model(getattr(obj, n)) for n in fields})
    if isinstance(obj, list):
        return [from_model(v) for v in obj]
    if isinstance(obj, dict):
        return {k: from_model(v) for k, v in obj.items()}
    return obj


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
    quote: str
    source: str | None
    status: EncodingStatus


class NotEncoded(Record):
    section: Section
    article: str | None
    note: str


class Ratio(Record):
    numerator: str
    denominator: str
    percent: bool


class Growth(Record):
    column: str
    years: int


class DeclaredFact(Record):
    key: str
    label: str
    unit: str | None
    type: FactType
    ratio: Ratio | None
    growth: Growth | None

    def inputs(self) -> list[str]:
        """The fact keys it is computed from (yearly-table columns excluded)."""
        from pingtai_cli import vocab

        names = [self.ratio.numerator, self.ratio.denominator] if self.ratio else []
        return [n for n in names if n not in vocab.get().yearly_columns]


class NewMaterial(Record):
    key: str
    name: str
    keywords: list[str]
    titles: list[str]


class When(Record):
    field: str
    equals: Any
    region: str | None


class RegionSet(Record):
    name: str
    codes: list[str]
    divisions: list[str]
    article: str | None
    quote: str | None
    source: str | None
    status: EncodingStatus

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
    when: When
    value: float


class Reading(Cited):
    value: float | None
    field: str | None
    note: str


class Option(Record):
    name: str
    rules: list[Rule]


class Rule(Cited):
    code: str
    name: str
    title: str
    check: str
    field: str | None
    op: Op
    value: float | None
    unit: str | None
    relaxable_by: list[str]
    variants: list[Variant]
    readings: list[Reading]
    options: list[Option]
    patterns: list[str]
    review_patterns: list[str]
    labels: list[str]
    bound_labels: list[str]
    prerequisite: bool
    allowed: list[str]
    fix: str | None
    note: str | None

    def walk(self) -> list[Rule]:
        """This rule and every rule nested in its options."""
        out = [self]
        for opt in self.options:
            for r in opt.rules:
                out.extend(r.walk())
        return out


class Document(Record):
    title: str
    number: str | None
    issuer: str
    level: Level
    issued: date | None
    in_force_from: date
    in_force_until: date | None
    in_force_until_other: date | None
    in_force_until_note: str | None
    in_force_article: str | None
    in_force_quote: str | None
    source_file: str | None
    parent: str | None
    recognition_title: str

    @property
    def issued_text(self) -> str:
        return self.issued.isoformat() if self.issued else "未知"

    @property
    def cited(self) -> str:
        """《title》（number）, as reports and forms name the document."""
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")


class Area(Cited):
    codes: list[str]
    name: str


class Relaxation(Cited):
    code: str
    name: str
    flags: list[str]
    discretionary: bool


class FunctionCount(Cited):
    min: int
    by_platform_type: dict[str, int]


class FunctionReq(Cited):
    function: str
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
    copy_kind: CopyKind
    validity: list[str]
    when: When | None
    required: bool
    note: str | None


class Form(Cited):
    code: str
    id: str
    name: str
    attachment: str
    filled_by: FilledBy
    template: str | None


class ListMinimum(Cited):
    list: str
    min: int


class ApplicationReport(Cited):
    attachment: str | None
    sections: list[str]
    list_minimums: list[ListMinimum]


class ProcedureFact(Cited):
    code: str
    id: str
    title: str
    value: float | str
    unit: str | None


class Ruleset(Record):
    key: str
    name: str
    extends: str | None
    document: Document
    area: Area | None
    relaxations: list[Relaxation]
    basic: list[Rule]
    functions: Functions
    exclusions: list[Rule]
    materials: list[MaterialReq]
    materials_note: Cited | None
    forms: list[Form]
    application_report: ApplicationReport | None
    procedure: list[ProcedureFact]
    readings: list[str]
    status: EncodingStatus
    not_encoded: list[NotEncoded]
    facts: list[DeclaredFact]
    region_sets: list[RegionSet]
    new_materials: list[NewMaterial]

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
        raise UnknownRule(f"规则 {code} 不存在于 {self.key}")

    def relaxation(self, code: str) -> Relaxation | None:
        return next((r for r in self.relaxations if r.code == code), None)

    def function_fields(self) -> dict[str, list[str]]:
        """Service function → the fact keys its rules test."""
        return {item.function: item.fields() for item in self.functions.items}

    def in_force(self, on: date) -> bool:
        doc = self.document
        return doc.in_force_from <= on and (doc.in_force_until is None or on <= doc.in_force_until)

