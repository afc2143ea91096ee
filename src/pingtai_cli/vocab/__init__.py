"""The vocabulary of pingtai, declared once as data: fact keys, list sheets, service functions,
validity kinds, qualification words and materials (the YAML files beside this module).

Every consumer derives from here: the workbook reader finds facts and tables by these labels,
`init` writes them, forms render them, reports and `rules explain` name them, `compare` orders
functions by them, and README's tables are generated from them (scripts/sync_vocab.py). The keys
are a contract (../shared/spec/dossier-format.md): extend, never rename.

The files are read once, on first use, into frozen dataclasses; importing this module reads
nothing, so `pingtai --help` never pays for it. `use(directory)` swaps in another vocabulary
folder (tests add a seventh function that way, without editing code).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

Kind = Literal["text", "number", "date", "bool", "list"]
KINDS = ("text", "number", "date", "bool", "list")
PERIODS = ("year_end", "year")  # facts.yaml `period`: a balance at the year's end, a figure over the year
DIRECTORY = Path(__file__).resolve().parent
FILES = ("facts.yaml", "lists.yaml", "functions.yaml", "validity.yaml", "qualifications.yaml", "materials.yaml")
YEARLY = "yearly"  # the yearly operation table, among the lists


class VocabularyError(ValueError):
    """A vocabulary file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class FactKey:
    """A fact of the 申请表 (spec §1.1), found by any of its labels."""

    key: str
    labels: tuple[str, ...]
    kind: Kind
    unit: str | None = None  # the unit values are normalised to
    hint: str = ""  # always shown in `pingtai init`'s form
    extra: bool = False  # not in the spec table, added by pingtai
    default_hint: str = ""  # shown in `init` when no rule speaks of the key
    short: str = ""  # inside a structure sentence (活动≥10次)
    compare_label: str = ""  # when compared with a document (成立（注册）日期)
    segment: str = ""  # its label inside a fill-in cell (其中：自有 0 平方米)
    as_text: bool = False  # `init` formats its value cell as text
    period: str | None = None  # year_end | year: the figure is of the year before the check

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass(frozen=True)
class DerivedKey:
    """A fact computed from others (derive.py); `inputs` are the form rows it comes from."""

    key: str
    label: str
    unit: str | None = None
    inputs: tuple[str, ...] | None = None  # None: the key itself
    values: Mapping[str, str] = field(default_factory=dict)  # a coded value's words (out → 不在本地区)


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, ...]  # the headers the reader accepts; init writes `header`
    header: str
    unit: str | None = None
    note: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListSheet:
    """A table of the workbook: the yearly operation table or a list sheet (spec §1.2, §1.3)."""

    key: str
    sheet: str  # its sheet in the workbook init writes
    name: str  # in messages
    title: str  # on forms
    needs: tuple[frozenset[str], ...]
    least: int
    columns: tuple[Column, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Function:
    """A service function (服务功能): information, technology, …"""

    key: str
    label: str  # 信息服务
    stems: tuple[str, ...]  # 信息: how a 申请表 writes it

    @property
    def short(self) -> str:
        return self.stems[0]


@dataclass(frozen=True)
class Validity:
    """A validity kind of a material (seal, previous_year, as_of_month).

    `require`, `stem`, `met` and `unmet` are templates of the check date: `dated` fills them.
    """

    key: str
    word: str
    checks: str
    cue: str
    require: str
    stem: str = ""
    met: str = ""
    unmet: str = ""

    @staticmethod
    def dated(template: str, on: date) -> str:
        """{prev} 2025, {prev2} 2024, {year} 2026, {month} 3, {mm} 03 for a check on 2026-03-15."""
        return template.format(prev=on.year - 1, prev2=on.year - 2, year=on.year, month=on.month, mm=f"{on.month:02d}")


@dataclass(frozen=True)
class Qualifications:
    """Who counts as 专业人员 in a staff list: 大专及以上学历, 中级及以上技术职称."""

    education: tuple[str, ...]
    title_always: tuple[str, ...]
    title_below: tuple[str, ...]  # regular expressions
    title_qualifying: tuple[str, ...]


@dataclass(frozen=True)
class Material:
    """A material key of spec §2 and how a file, sheet or report section is recognised as it.

    Words are as written in materials.yaml; materials.catalogue() folds them for matching.
    """

    key: str
    name: str
    stem: str = ""  # of init's suggested file name
    docx: bool = False
    file_names: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    content: tuple[tuple[str, ...], ...] = ()
    sheet: str | None = None
    report_sections: tuple[str, ...] = ()
    needs_text: bool = False
    seal: bool = False
    shows: tuple[str, ...] = ()  # facts a genuine copy yields, at least one of them
    extra: bool = False


@dataclass(frozen=True)
class Vocabulary:
    facts: Mapping[str, FactKey]
    derived: Mapping[str, DerivedKey]
    documents: Mapping[str, str]  # facts read only from documents: key → label
    lists: Mapping[str, ListSheet]  # yearly first, then the list sheets
    functions: Mapping[str, Function]
    validity: Mapping[str, Validity]
    qualifications: Qualifications
    materials: Mapping[str, Material]
    digest: str = field(default="", compare=False)  # sha256 of the files, for caches

    @property
    def list_sheets(self) -> dict[str, ListSheet]:
        """The list sheets of spec §1.3 (staff, served_smes, equipment, partners)."""
        return {k: v for k, v in self.lists.items() if k != YEARLY}

    @property
    def yearly(self) -> ListSheet:
        return self.lists[YEARLY]

    @property
    def yearly_columns(self) -> dict[str, str]:
        """Columns of the yearly table a ruleset's ratio or growth may use: key → header (年度 aside)."""
        return {c.key: c.header for c in self.yearly.columns if c.key != "year"}


# ---------------------------------------------------------------- loading


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _entries(data: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise VocabularyError(f"{where}：应为“键: 属性表”的映射")
    return {str(k): v for k, v in data.items()}


def _fact(key: str, e: dict[str, Any], functions: Mapping[str, Function]) -> FactKey:
    if e.get("kind") not in KINDS:
        raise VocabularyError(f"facts.yaml {key}：kind 应为 {'/'.join(KINDS)} 之一")
    labels = _tuple(e.get("labels"))
    if not labels:
        raise VocabularyError(f"facts.yaml {key}：缺少 labels")
    if e.get("period") is not None and e.get("period") not in PERIODS:
        raise VocabularyError(f"facts.yaml {key}：period 应为 {'/'.join(PERIODS)} 之一")
    names = "、".join(f.short for f in functions.values())
    return FactKey(
        key=key,
        labels=labels,
        kind=cast(Kind, e["kind"]),
        unit=e.get("unit"),
        hint=str(e.get("hint") or "").replace("{functions}", names),
        extra=bool(e.get("extra", False)),
        default_hint=str(e.get("default_hint") or ""),
        short=str(e.get("short") or ""),
        compare_label=str(e.get("compare_label") or ""),
        segment=str(e.get("segment") or ""),
        as_text=bool(e.get("as_text", False)),
        period=e.get("period"),
    )


def _derived(key: str, e: dict[str, Any]) -> DerivedKey:
    inputs = e.get("inputs")
    values = {str(k): str(v) for k, v in (e.get("values") or {}).items()}
    return DerivedKey(key, str(e["label"]), e.get("unit"), None if inputs is None else _tuple(inputs), values)


def _column(key: str, e: dict[str, Any]) -> Column:
    labels = _tuple(e.get("labels"))
    if not labels:
        raise VocabularyError(f"lists.yaml 列 {key}：缺少 labels")
    return Column(key, labels, str(e.get("header") or labels[0]), e.get("unit"), str(e.get("note") or ""),
                  _tuple(e.get("choices")))


def _list(key: str, e: dict[str, Any]) -> ListSheet:
    columns = tuple(_column(k, c) for k, c in _entries(e.get("columns"), f"lists.yaml {key}.columns").items())
    known = {c.key for c in columns}
    needs = tuple(frozenset(_tuple(group)) for group in e.get("needs") or ())
    if any(not group <= known for group in needs):
        raise VocabularyError(f"lists.yaml {key}：needs 中有未定义的列")
    return ListSheet(key, str(e["sheet"]), str(e["name"]), str(e["title"]), needs, int(e.get("least", 1)), columns)


def _material(key: str, e: dict[str, Any]) -> Material:
    return Material(
        key=key,
        name=str(e["name"]),
        stem=str(e.get("stem") or ""),
        docx=bool(e.get("docx", False)),
        file_names=_tuple(e.get("file_names")),
        titles=_tuple(e.get("titles")),
        content=tuple(_tuple(group) for group in e.get("content") or ()),
        sheet=e.get("sheet"),
        report_sections=_tuple(e.get("report_sections")),
        needs_text=bool(e.get("needs_text", False)),
        seal=bool(e.get("seal", False)),
        shows=_tuple(e.get("shows")),
        extra=bool(e.get("extra", False)),
    )


def _frozen(d: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(d)


def load(directory: Path = DIRECTORY) -> Vocabulary:
    """Read and check the vocabulary files of `directory` (the package's own by default)."""
    import hashlib

    texts = {name: (directory / name).read_text(encoding="utf-8") for name in FILES}
    sha = hashlib.sha256()
    for name, text in texts.items():
        sha.update(name.encode() + b"\0" + text.encode("utf-8") + b"\0")
    digest = sha.hexdigest()
    raw = _recorded(digest) if directory == DIRECTORY else None
    if raw is None:
        raw = _parsed(directory, texts)
        if directory == DIRECTORY:
            _record(digest, raw)
    try:
        return _build(raw, digest)
    except (KeyError, TypeError, ValueError) as e:
        if isinstance(e, VocabularyError):
            raise
        raise VocabularyError(f"{directory}：词汇文件缺少或写错了一项（{e!r}）") from e


def _parsed(directory: Path, texts: dict[str, str]) -> dict[str, Any]:
    import yaml

    from pingtai_cli.core.yamlload import YAML_LOADER  # libyaml when present: ~10x faster

    raw: dict[str, Any] = {}
    for name, text in texts.items():
        try:
            raw[name] = yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
        except yaml.YAMLError as e:
            raise VocabularyError(f"{directory / name}：不是有效的 YAML（{e}）") from e
    return raw


# The package's files as parsed, kept as JSON beside its bytecode: reading YAML costs a cold
# check ~45 M instructions (libyaml parses, but PyYAML builds the objects in Python), JSON ~2 M.
# Keyed by the files' SHA-256: an edited file misses; a torn or altered record is a miss too.
RECORD = DIRECTORY / "__pycache__" / "vocab-parsed.json"


def _recorded(digest: str) -> dict[str, Any] | None:
    import json

    try:
        record = json.loads(RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    ok = isinstance(record, dict) and record.get("digest") == digest and isinstance(record.get("raw"), dict)
    return record["raw"] if ok and set(record["raw"]) == set(FILES) else None


def _record(digest: str, raw: dict[str, Any]) -> None:
    """Keep what YAML gave, if JSON gives exactly it back (no dates, no number keys)."""
    import json

    from pingtai_cli.core.files import write_atomic

    try:
        text = json.dumps({"digest": digest, "raw": raw}, ensure_ascii=False)
        if json.loads(text)["raw"] != raw:
            return
        RECORD.parent.mkdir(exist_ok=True)
        write_atomic(RECORD, text, durable=False)
    except (OSError, TypeError, ValueError):  # a read-only install costs time, never the check
        return


def _build(raw: dict[str, Any], digest: str) -> Vocabulary:
    functions = {
        k: Function(k, str(e["label"]), _tuple(e["stems"]))
        for k, e in _entries(raw["functions.yaml"], "functions.yaml").items()
    }
    facts_file = raw["facts.yaml"]
    facts = {k: _fact(k, e, functions) for k, e in _entries(facts_file["form"], "facts.yaml form").items()}
    derived = {k: _derived(k, e) for k, e in _entries(facts_file["derived"], "facts.yaml derived").items()}
    documents = {k: str(e["label"]) for k, e in _entries(facts_file["document"], "facts.yaml document").items()}
    lists = {k: _list(k, e) for k, e in _entries(raw["lists.yaml"], "lists.yaml").items()}
    if YEARLY not in lists:
        raise VocabularyError("lists.yaml：缺少 yearly（年度经营数据表）")
    validity = {
        k: Validity(k, str(e["word"]), str(e["checks"]), str(e["cue"]), str(e["require"]),
                    str(e.get("stem") or ""), str(e.get("met") or ""), str(e.get("unmet") or ""))
        for k, e in _entries(raw["validity.yaml"], "validity.yaml").items()
    }
    q = raw["qualifications.yaml"]
    quals = Qualifications(
        education=_tuple(q["education"]["qualifying"]),
        title_always=_tuple(q["title"].get("always")),
        title_below=_tuple(q["title"].get("below")),
        title_qualifying=_tuple(q["title"]["qualifying"]),
    )
    materials = {k: _material(k, e) for k, e in _entries(raw["materials.yaml"], "materials.yaml").items()}
    clash = (facts.keys() & derived.keys()) | (facts.keys() & documents.keys()) | (derived.keys() & documents.keys())
    if clash:
        raise VocabularyError(f"facts.yaml：键重复定义：{'、'.join(sorted(clash))}")
    return Vocabulary(
        facts=_frozen(facts),
        derived=_frozen(derived),
        documents=_frozen(documents),
        lists=_frozen({YEARLY: lists.pop(YEARLY), **lists}),
        functions=_frozen(functions),
        validity=_frozen(validity),
        qualifications=quals,
        materials=_frozen(materials),
        digest=digest,
    )


_current: Vocabulary | None = None


def get() -> Vocabulary:
    """The vocabulary in use, read on first call."""
    global _current
    if _current is None:
        _current = load()
    return _current


@contextmanager
def use(directory: Path) -> Iterator[Vocabulary]:
    """Use the vocabulary of another folder inside the block (tests: a seventh function)."""
    global _current
    before, _current = _current, load(directory)
    try:
        yield _current
    finally:
        _current = before


# ---------------------------------------------------------------- the lookups every module uses

# Labels of the fact keys rulesets declare (`facts:`), registered when a ruleset is loaded so that
# messages name them in Chinese like the built-in ones.
DECLARED_LABELS: dict[str, str] = {}


def label_of(key: str) -> str:
    """The first Chinese label of a key (derived and document keys included), for messages."""
    v = get()
    if key in v.facts:
        return v.facts[key].labels[0]
    if key in v.derived:
        return v.derived[key].label
    if key.startswith("region:"):  # a ruleset's region set (ruleset.REGION_FACT)
        return f"属于{key.removeprefix('region:')}"
    return DECLARED_LABELS.get(key) or v.documents.get(key, key)


def value_word(key: str, value: object) -> str | None:
    """The words for a derived fact's coded value (registered_area `out` → 不在本地区), if it has them."""
    derived = get().derived.get(key)
    return None if derived is None else derived.values.get(str(value))


def unit_of(key: str) -> str | None:
    v = get()
    if key in v.facts:
        return v.facts[key].unit
    if key in v.derived:
        return v.derived[key].unit
    return None


def function_label(key: str) -> str:
    """信息服务 for information; an unknown key as it is."""
    f = get().functions.get(key)
    return f.label if f else key


def function_of(name: str) -> str | None:
    """信息 / 信息服务 / 信息服务功能 / information → information; unknown → None (functions.yaml)."""
    text = name.strip().lower()
    functions = get().functions
    if text in functions:
        return text
    for key, function in functions.items():
        if any(text.startswith(s) for s in function.stems):
            return key
    return None


# Variant spellings of material words, each folded to one form before any comparison, so that
# no word list needs both: 其它 is written as often as 其他 (其它.pdf, 其它证明材料).
VARIANTS = (("其它", "其他"),)


def fold(text: str) -> str:
    """Full-width folded, upper case, without whitespace, variants in one spelling (`VARIANTS`):
    how material words are compared, on both sides (the catalogue's words and a file's name or text)."""
    import unicodedata

    folded = "".join(unicodedata.normalize("NFKC", text).upper().split())
    for variant, spelling in VARIANTS:
        folded = folded.replace(variant, spelling)
    return folded


_folded: tuple[Vocabulary, dict[str, Material]] | None = None


def material_catalogue() -> dict[str, Material]:
    """Material key → Material in the order of materials.yaml, its words folded for matching."""
    global _folded
    current = get()
    if _folded is None or _folded[0] is not current:
        _folded = (current, {key: _folded_material(m) for key, m in current.materials.items()})
    return _folded[1]


def _folded_material(m: Material) -> Material:
    from dataclasses import replace

    return replace(
        m,
        file_names=tuple(fold(w) for w in m.file_names),
        titles=tuple(fold(w) for w in m.titles),
        content=tuple(tuple(fold(w) for w in group) for group in m.content),
        report_sections=tuple(fold(w) for w in m.report_sections),
    )
