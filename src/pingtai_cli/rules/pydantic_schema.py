"""The ruleset file format, checked by pydantic: strict, unknown keys rejected, `file:line: field:
reason` per problem. Used to validate a file (rules/schema.py `load_file`) and for the JSON Schema
(`rules schema`); what passes becomes the plain objects of rules/model.py, which the rest of
pingtai reads. The models are built from those classes (their fields, defaults and docstrings, which
are the JSON Schema's descriptions, are written there only); what is written here is what a type
cannot say: the validators, the vocabulary's keys, the messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date  # noqa: F401 - model.py's annotations name it (see below)
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,  # noqa: F401 - model.py's annotations name it
    GetJsonSchemaHandler,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError

from pingtai_cli import vocab
from pingtai_cli.core.errors import RulesetError
from pingtai_cli.rules import kinds, model
from pingtai_cli.rules.model import (  # noqa: F401 - the names model.py's annotations use
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


# ---------------------------------------------------------------- checks a field's type cannot say
# Each is layered on the model of the plain class `_CHECKS` names it for; `self` is that model and
# `cls` its class (pydantic makes a validator whose first argument is `cls` a classmethod).


@model_validator(mode="before")
def _region_is_a_fact(cls: type[Strict], data: Any) -> Any:
    if isinstance(data, dict) and data.get("region") and "field" not in data:
        return {**data, "field": f"{REGION_FACT}{data['region']}", "equals": True}
    return data


@model_validator(mode="after")
def _some_division(self: Any) -> Any:
    if not self.codes and not self.divisions and self.status != "draft":
        raise ValueError(f"地区集合 {self.name} 需要 codes（行政区划代码前缀）或 divisions（地名）")
    return self


@field_validator("code")
def _code_format(cls: type[Strict], v: str) -> str:
    if not CODE_RE.match(v):
        raise ValueError(f"规则编号 {v!r} 格式应为 XX-B01（地区缩写-类别字母-两位序号）")
    return v


@field_validator("patterns", "review_patterns")
def _patterns_bounded(cls: type[Strict], v: list[str]) -> list[str]:
    from pingtai_cli.core.patterns import compiled

    for p in v:
        compiled(p)  # ValueError: a construct RE2 cannot run in linear time
    return v


@model_validator(mode="after")
def _kind_needs(self: Any) -> Any:
    plain = cast("model.Rule", self)  # a kind reads only fields the two classes share
    missing = kinds.kind_of(plain).missing_fields(plain)
    if missing:
        raise ValueError(f"check={self.check} 需要字段: {', '.join(missing)}")
    return self


@field_validator("issued", mode="before")
def _unknown_date(cls: type[Strict], v: Any) -> Any:
    return None if isinstance(v, str) and v.strip().lower() in ("unknown", "未知", "不详") else v


_CHECKS: dict[str, tuple[Any, ...]] = {
    "When": (_region_is_a_fact,),
    "RegionSet": (_some_division,),
    "Rule": (_code_format, _patterns_bounded, _kind_needs),
    "Document": (_unknown_date,),
}


# ---------------------------------------------------------------- the models, from the plain classes


def _validating(plain: type[model.Record]) -> type[Strict]:
    """The pydantic model of a plain class: its own annotations and defaults (pydantic evaluates
    them in this module, where a record class's name is its model), on the model of its parent."""
    parent = plain.__bases__[0]
    own = vars(plain)
    fields: dict[str, Any] = {n: (t, own.get(n, ...)) for n, t in own.get("__annotations__", {}).items()}
    validators = {f.__name__: f for f in _CHECKS.get(plain.__name__, ())}
    return create_model(
        plain.__name__,
        __base__=Strict if parent is model.Record else MODELS[parent.__name__],
        __doc__=plain.__doc__,
        __module__=__name__,
        __validators__=validators,
        **fields,
    )


MODELS: dict[str, type[Strict]] = {}
for _plain in model.CLASSES.values():  # in the order model.py defines them (parents first)
    MODELS[_plain.__name__] = _validating(_plain)
    globals()[_plain.__name__] = MODELS[_plain.__name__]  # for `list[Rule]`, and model.Record's look-up
for _model in MODELS.values():
    _model.model_rebuild()  # Option's `list[Rule]` named a model not made yet
del _plain, _model


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
        rs = MODELS["Ruleset"].model_validate(data)
    except ValidationError as e:
        raise RulesetError(f"规则文件 {path} 校验失败：", _problems(e, path, lines())) from e
    out: model.Ruleset = model.from_model(rs)
    return out
