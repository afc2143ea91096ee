"""Read the 申请表 workbook: facts found by their labels, the yearly table, the list sheets.

People move cells, so nothing is read by address (spec §1.1–§1.3):

- A fact is found by any synonym of its label (vocab/facts.yaml), on any sheet.
  Its value is the cell to the right (empty cells skipped, up to the next
  label-like cell), else the cell below, else the text after a colon in the label
  cell itself (`资产总额：320万元`). A merged range's value lives in its top-left
  cell, and a merged label's right neighbour is the first cell after the merge.
- Labels are compared after removing spaces, markers (`*`, `1.`, `（一）`) and
  bracketed notes; a bracketed unit (`上年末总资产（万元）`) is the unit of a bare
  number, and so is a unit in the cell after it. A bare amount with neither
  (`资产总额 | 3,200,000.00`) is read in the key's unit but marked `unit_inferred`:
  元 or 万元 is for a reviewer (units.scale_inferred). A date written to the month
  keeps `precision: month`, one written to the year `precision: year`, a figure written as an
  approximation (约130家) `precision: approximate`. The longest synonym in a cell wins, and only a few words may stand
  around it (`申报单位名称` is 单位名称, `合作单位名称` is not), so that
  `信息服务线下年服务企业数` never reads as `年服务中小企业数`.
- A figure keeps the period it is stated for (`period`): written with it (`2024年末：236.6万元`,
  `108家（2024年）`), before its label (`2024年服务中小企业数`, `截至2024年12月31日，资产总额…`), in a
  cell between label and figure (`| 资产总额 | 2024年末 | 236.6 |`) or in a note above the form
  (`（数据截至2024年12月31日）`). Of figures of one key dated to different years the latest is read,
  without a conflict. Whether the period is the one a condition needs is the engine's (derive).
- A number's label merged over rows, or followed by cells that qualify its figure (年末 / 年初,
  2024年 / 2025年, 单位 | 万元), is read through them: the period end's or the latest year's
  figure, in the unit stated. Rows that do not say which figure is the label's keep the first
  with a `doubt` naming them all (the condition is then review), never a silent choice.
- Tables are found by their header rows, whatever the sheet is called: the
  yearly operation table (either orientation) and the staff, served-SME,
  equipment and partner lists. Their rows are not searched for labels.
- A value that cannot be read is a `read.bad_value` finding naming sheet!cell and
  the text, never a guess; the fact is then not set.

`read_workbook` never raises for a bad file: an unreadable workbook is a
`read.workbook_unreadable` finding in an otherwise empty result.

Findings (all name the file, and sheet!cell where there is one):

| id | severity | when |
|---|---|---|
| read.workbook_unreadable | error | empty, not a spreadsheet, corrupt, password-protected, too big |
| read.sheet_unreadable | error | one sheet cannot be parsed; the others are read |
| read.workbook_macros | info | the workbook carries VBA code (never run) |
| read.sheet_truncated | warning | a sheet goes past 20,000 rows / 200 columns; the rest is not read |
| read.bad_value | error | a value cannot be read (warning when the same key was read elsewhere) |
| read.formula_no_value | error | a formula cell saved without its computed value |
| read.conflicting_values | warning / info | one label with two values / two synonyms with two values |
| read.yearly_duplicate_year | warning | a year appears twice in the yearly tables with different figures (blanks are filled from the later row) |
| read.staff_count_mismatch | warning | staff list length ≠ 从业人数 |
| read.staff_qualified_mismatch | warning | qualified people in a complete staff list ≠ the form's count |
| read.satisfaction_mismatch | warning | 满意 share of the served-SME list ≠ 用户满意度 (± 1 point) |
| read.served_count_differs | info | served-SME list length ≠ 年服务中小企业数 (the list need not be complete) |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core.models import Evidence, Fact, Finding, Severity
from pingtai_cli.intake.sources.grid import (
    MAX_COLS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    NO_CACHE,
    Grid,
    SheetProblem,
    UnreadableWorkbook,
    cell_name,
    is_empty,
    load_grids,
    reraise_unless_library,
)
from pingtai_cli.intake.sources.units import (
    PERIOD,
    ValueParseError,
    is_unit,
    names_no_day,
    names_year_only,
    normalize,
    parse_date,
    parse_number,
    parse_text,
    parse_value,
    period_of,
    period_parts,
    scale_inferred,
    states_approximate,
    states_lower_bound,
    unit_info,
)


@dataclass
class WorkbookResult:
    """Everything read from the 申请表; `findings` says what could not be read and why."""

    facts: dict[str, Fact] = field(default_factory=dict)
    yearly: list[dict[str, Any]] = field(default_factory=list)
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    list_evidence: dict[str, Evidence] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    # Rows whose label is no built-in fact key: cleaned label -> [raw value, evidence]. A ruleset's
    # declared facts (`facts:` label or key) are read from these at evaluation, so the reading (and
    # its cache entry) does not depend on which ruleset the dossier is checked against.
    other_labels: dict[str, list[Any]] = field(default_factory=dict)
    # key -> values the form's running text (a `资产总额：60万元` line of a Word 申请表) states
    # otherwise than its table, whose value `facts` holds: for the check to weigh as a rival
    # (engine/consistency.py `rivals`), as it weighs another file's
    contested: dict[str, list[Fact]] = field(default_factory=dict)


def read_workbook(source: Path | bytes, name: str) -> WorkbookResult:
    """Read the workbook (a path or its bytes); `name` is its dossier-relative path for evidence."""
    result = WorkbookResult()
    try:
        data = source if isinstance(source, bytes) else _read_file(source)
        grids, result.sheets, problems = load_grids(data)
    except UnreadableWorkbook as exc:
        result.findings.append(_unreadable(name, str(exc)))
        return result
    except BaseException as exc:  # a library choking on a malformed file is still the file's fault
        reraise_unless_library(exc)
        result.findings.append(
            _unreadable(name, f"文件已损坏或格式不受支持（{type(exc).__name__}）")
        )
        return result
    result.findings += [_sheet_problem(name, p) for p in problems]
    if has_macros(data):
        result.findings.append(_macros(name))
    _Reader(name, result).read(grids)
    return result


def has_macros(data: bytes) -> bool:
    """True for a workbook that carries VBA code (an .xlsm's vbaProject.bin)."""
    import io
    import zipfile

    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return any(n.lower().endswith("vbaproject.bin") for n in names)


def _macros(name: str) -> Finding:
    message = (
        f"申请表“{name}”含有宏（VBA代码）：pingtai 不运行宏，只读取单元格中保存的值；"
        "审阅人用 Excel 打开此文件时请勿启用宏"
    )
    return Finding("read.workbook_macros", "info", message, [name])


def read_grids(grids: list[Grid], name: str, *, how: str = "typed") -> WorkbookResult:
    """The same reading over grids already in memory: Word and PDF tables (extract/tables.py).

    `how` is recorded on every value's evidence (typed, text, ocr).
    """
    result = WorkbookResult(sheets=[g.name for g in grids])
    reader = _Reader(name, result)
    reader.how = how
    reader.read(grids)
    return result


def _read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnreadableWorkbook(
                f"文件过大（{path.stat().st_size // 1024 // 1024} MB），未读取"
            )
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableWorkbook(f"无法打开文件（{exc.strerror or type(exc).__name__}）") from exc


def _unreadable(name: str, reason: str) -> Finding:
    return Finding("read.workbook_unreadable", "error", f"申请表“{name}”无法读取：{reason}", [name])


def _sheet_problem(name: str, problem: SheetProblem) -> Finding:
    if problem.kind == "truncated":
        message = (
            f"{name} 工作表“{problem.sheet}”超过 {MAX_ROWS} 行或 {MAX_COLS} 列，"
            f"只读取了前 {MAX_ROWS} 行、前 {MAX_COLS} 列"
        )
        return Finding(
            "read.sheet_truncated",
            "warning",
            message,
            [name],
            evidence=Evidence(name, problem.sheet),
        )
    message = f"{name} 工作表“{problem.sheet}”无法读取（{problem.reason}），已跳过"
    return Finding(
        "read.sheet_unreadable", "error", message, [name], evidence=Evidence(name, problem.sheet)
    )


# ---------------------------------------------------------------------------
# labels

_BRACKET_RE = re.compile(r"[(\[【]([^()\[\]【】]*)[)\]】]")
_LEAD_RE = re.compile(
    r"^(?:[*※★☆#]+|[0-9]{1,2}(?:\.[0-9]{1,2})*[.、)](?=\D)|\([0-9]{1,2}\)"
    r"|[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十]{1,3}\)|[①-⑳])"
)
_OPENING, _CLOSING = "(（[【", ")）]】"
_SPLIT_PREFIXES = {"其中", "含", "包括"}  # `其中：大专及以上学历…` — the label follows the colon
_LABEL_PREFIXES = {
    "",
    "其中",
    "申报",
    "申请",
    "依托",
    "平台",
    "本",
    "本单位",
    "近一年",
    "上年度",
    "上一年度",
    "上年",
    "全年",
    # the last year-end, as forms (and pingtai's own 推荐表) write it: 上年末资产总额（万元）
    "上年末",
    "上一年末",
    "上年度末",
    "上一年度末",
    "年末",
    "截至上年末",
}
# a period before a label: 2025年服务中小企业数, 2025年末资产总额, 截至2025年12月31日，资产总额 (the
# figure's period, kept on the fact)
_PERIOD_PREFIX_RE = re.compile(rf"^(?:(?:19|20)[0-9]{{2}}|{PERIOD})[,;]?$")
_LABEL_SUFFIXES = {"", "数", "数量", "人数", "总数", "总额", "额", "金", "全称", "名称", "合计"}
_OTHER_LABELS = {
    "职务",
    "电话",
    "传真",
    "邮编",
    "姓名",
    "地址",
    "备注",
    "邮箱",
    "联系方式",
    "所属行业",
    "行业",
    "主营业务",
    "经营范围",
    "开户银行",
    "银行账号",
    "账号",
    "职称",
    "学历",
    "固定电话",
    "办公电话",
    "移动电话",
    "QQ",
    "微信",
    "通讯地址",
    "详细地址",
    "单位地址",
    "企业地址",
    "法人代表",
    "负责人",
    "平台负责人",
    "主管部门",
    "登记机关",
    "服务领域",
    "服务范围",
    "服务对象",
    "自有",
    "租用",
    "其中",
    "序号",
    "项目",
    "内容",
    "说明",
    "填表说明",
}
_HINT_RE = re.compile(
    r"^\s*(?:如[:：\s]|例如|例[:：]|请|注[:：]|说明[:：]|提示|填写|可多选|单位[:：])"
)


@lru_cache(maxsize=65536)
def _clean_label(text: str) -> tuple[str, str | None]:
    """(label without spaces, markers, blanks and bracketed notes; unit found in a bracket)."""
    label = normalize(text).replace("_", "")
    unit: str | None = None
    for inner in _BRACKET_RE.findall(label):
        inner = re.sub(r"^单位[:：]?", "", inner)
        if unit is None and is_unit(inner):
            unit = inner
    while True:
        stripped = _BRACKET_RE.sub("", label)
        if stripped == label:
            break
        label = stripped
    while (stripped := _LEAD_RE.sub("", label, count=1)) != label:
        label = stripped
    return label.strip("*:：.、"), unit


def label_text(text: str) -> str:
    """A label as the reader compares it: no spaces, markers, underscores or bracketed notes."""
    return _clean_label(text)[0]


_MAX_OTHER_LABELS = 300
# The reader's tables are built once, at import, from the vocabulary (vocab/facts.yaml, lists.yaml).
_VOCAB = vocab.get()
BY_KEY = _VOCAB.facts


def _synonyms() -> dict[str, str]:
    out: dict[str, str] = {}
    for fk in BY_KEY.values():
        for synonym in fk.labels:
            out.setdefault(_clean_label(synonym)[0], fk.key)
    return out


_SYNONYMS = _synonyms()


class _Words:
    """Literal words found at every position of a text, longest first.

    What matching an alternation of the words (longest first) at each position gives, without
    the regular expression: Python's engine tries the alternatives one by one at every position
    (~0.1 ms a cell for the ~300 synonyms) and compiling it costs ~10 ms at import. Here a
    position only tries the words that start with its character."""

    def __init__(self, words: list[str]) -> None:
        self.by_first: dict[str, list[str]] = {}
        for w in sorted(set(words), key=len, reverse=True):
            if w:
                self.by_first.setdefault(w[0], []).append(w)
        self.empty = "" in words  # an empty word matches (empty) wherever no other does

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the longest word at each position, longest first, then leftmost."""
        spans = []
        for p, ch in enumerate(text):
            word = next((w for w in self.by_first.get(ch, ()) if text.startswith(w, p)), None)
            if word is not None:
                spans.append((p, p + len(word)))
            elif self.empty:
                spans.append((p, p))
        return sorted(spans, key=lambda s: (s[0] - s[1], s[0]))


_SYNONYM_WORDS = _Words(list(_SYNONYMS))
_MAX_LABEL_LEN = 48


@dataclass(frozen=True)
class _LabelHit:
    key: str
    unit: str | None  # unit written with the label: a bare number is in it
    inline: str | None  # the value written in the label cell itself
    synonym: str  # the label as listed in vocab/facts.yaml (cleaned)
    period: str | None = None  # a period written before the label (2025年服务中小企业数)


@lru_cache(maxsize=65536)
def _label_hit(text: str) -> _LabelHit | None:
    """The fact label a cell holds, with its unit and any value written after a colon."""
    before, colon, after = _split_colon(text)
    label, unit = _clean_label(before)
    if colon and label in _SPLIT_PREFIXES:
        label, unit = _clean_label(after)
        colon, after = "", ""
    elif colon and label.endswith("单位") and is_unit(normalize(after).strip()):
        label, unit = label[:-2], normalize(after).strip()  # `资产总额 单位：万元`: the unit, not a value
        colon, after = "", ""
    if not label or len(label) > _MAX_LABEL_LEN:
        return None
    found = _match_label(label)
    if found is None and label.endswith("时间"):  # 成立时间 is 成立日期, 填报时间 is 填报日期
        found = _match_label(label[:-2] + "日期")
        found = found if found and BY_KEY[found[0]].kind == "date" else None
    if found is None:
        return None
    key, synonym, suffix_unit, inline, period = found
    if colon and after.strip():
        inline = after.strip()
    return _LabelHit(key, unit or suffix_unit, inline, synonym, period)


# Commas and semicolons between the fill-ins of one cell; never a thousands separator (3,200,000)
_SEGMENT_RE = re.compile(r"[，；;]|(?<![0-9]),|,(?![0-9]{3})")
# Words that are labels only inside a fill-in cell (`其中：自有 0 平方米，租用 1200 平方米`);
# standing alone (`场地性质 | 租用`) they are answers, not labels.
_SEGMENT_LABELS = {fk.segment: fk.key for fk in BY_KEY.values() if fk.segment}
_SEGMENT_PREFIX_RE = re.compile(r"^(?:其中|含|包括)\s*[:：]?\s*")


def _segment_hit(part: str) -> _LabelHit | None:
    """A label written with its value in one segment of a fill-in cell, or None."""
    hit = _label_hit(part)
    if hit is not None and hit.inline is not None:
        return hit
    rest = _SEGMENT_PREFIX_RE.sub("", part)
    for word, key in _SEGMENT_LABELS.items():
        value = rest[len(word) :].strip()
        if rest.startswith(word) and value[:1].isdigit():
            return _LabelHit(key, None, value, word)
    return None


@lru_cache(maxsize=65536)
def _fill_in_hits(text: str) -> tuple[_LabelHit, ...]:
    """The labels of a cell the xuchang form fills in several times, each with its value.

    `仪器、设备数量 12 台（套），购买价格 86.4 万元，占总资产 41.1 ％` and
    `其中：自有 0 平方米，租用 1200 平方米`. Only a cell that starts with such a label and
    holds at least two of them counts: `申报服务功能：信息，技术` or `资产总额：3,200,000元`
    are one label with one value, read whole.
    """
    parts = [part.strip() for part in _SEGMENT_RE.split(text) if part.strip()]
    if len(parts) < 2:
        return ()
    hits = [_segment_hit(part) for part in parts]
    found = tuple(h for h in hits if h is not None)
    if hits[0] is None or len(found) < 2:
        return ()
    return found


def _split_colon(text: str) -> tuple[str, str, str]:
    """(before, colon, after) at the first colon outside brackets (`（单位：万元）` is no split)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ":：":
            return text[:i], ch, text[i + 1 :]
    return text, "", ""


def _match_label(label: str) -> tuple[str, str, str | None, str | None, str | None] | None:
    """(key, synonym, unit written after the label, value written after it, period written before
    it) for a cleaned label."""
    if label in _SYNONYMS:
        return _SYNONYMS[label], label, None, None, None
    for start, end in _SYNONYM_WORDS.spans(label):
        prefix, synonym, suffix = label[:start], label[start:end], label[end:]
        dated = prefix not in _LABEL_PREFIXES and _PERIOD_PREFIX_RE.match(prefix) is not None
        if prefix not in _LABEL_PREFIXES and not dated:
            continue
        key = _SYNONYMS[synonym]
        period = _label_period(prefix) if dated and BY_KEY[key].kind == "number" else None
        if suffix in _LABEL_SUFFIXES:
            return key, synonym, None, None, period
        if is_unit(suffix):
            return key, synonym, suffix, None, period
        if BY_KEY[key].kind == "number" and re.search(r"[0-9]", suffix):
            return key, synonym, None, suffix, period  # `从业人数25人`: a value written into the label cell
    return None


def _label_period(prefix: str) -> str:
    """A label's period prefix as written: `2025年末`, `截至2025年12月31日` (`2025` is `2025年`)."""
    text = prefix.rstrip(",;")
    return f"{text}年" if text.isdigit() else text


def _label_like(value: Any) -> bool:
    """True for a cell that is a label (or a hint) rather than a value."""
    if not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    if text.endswith((":", "：")) or _HINT_RE.match(text):
        return True
    cleaned = _clean_label(text)[0]
    return cleaned in _OTHER_LABELS or _label_hit(text) is not None


# ---------------------------------------------------------------------------
# table headers

# table kind → field → the headers it is found by (vocab/lists.yaml)
_TABLE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    kind: {c.key: c.labels for c in sheet.columns} for kind, sheet in _VOCAB.lists.items()
}
# kind → (fields that must be present, least number of fields)
_TABLE_NEEDS: dict[str, tuple[tuple[frozenset[str], ...], int]] = {
    kind: (sheet.needs, sheet.least) for kind, sheet in _VOCAB.lists.items()
}
_HEADERS: dict[str, tuple[str, str]] = {
    _clean_label(s)[0]: (kind, fld)
    for kind, fields in _TABLE_FIELDS.items()
    for fld, synonyms in fields.items()
    for s in synonyms
}
_HEADER_WORDS = _Words(list(_HEADERS))
_MAX_HEADER_LEN = 30
_EXTRA_COLUMNS = {
    "序号",
    "编号",
    "备注",
    "说明",
    "其他",
    "性别",
    "出生年月",
    "身份证号",
    "专业",
    "所在地",
    "地址",
    "行业",
    "规格型号",
    "型号",
    "用途",
    "协议编号",
}
_SUBHEADER_WORDS = {"满意", "不满意", "很满意", "基本满意", "非常满意", "比较满意", "一般"}
_FOOTER_RE = re.compile(
    r"^\s*(?:合计|小计|总计|共计|注|备注|说明|填表|审核|负责人|单位负责人|填报人|盖章|签字)"
)
_YEAR_RE = re.compile(r"^((?:19|20)[0-9]{2})年?度?$")


# What ends a name rather than a column header
_ORG_SUFFIX_RE = re.compile(r"(?:公司|集团|大学|学院|学校|协会|商会|研究院|研究所|事务所|银行|分行|支行|中心|局|厅|委员会|基地)$")


@lru_cache(maxsize=65536)
def _header_field(text: str) -> tuple[str, str, str | None] | None:
    """(table kind, field, bracketed unit) for a header cell text. A cell that holds a value after
    a colon (`2024年度：108家`) is a filled-in answer, not a column's header."""
    if _split_colon(text)[2].strip():
        return None
    label, unit = _clean_label(text)
    if not label or len(label) > _MAX_HEADER_LEN:
        return None
    if label in _HEADERS:
        return (*_HEADERS[label], unit)
    spans = _HEADER_WORDS.spans(label)
    if not spans:
        return None
    start, end = spans[0]
    if _ORG_SUFFIX_RE.search(label[end:]):
        return None  # `许昌某某合作单位有限公司` is a value that contains a header word, not a header
    return (*_HEADERS[label[start:end]], unit)


def _year_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if 1990 <= value <= 2100 and float(value).is_integer() else None
    if isinstance(value, str) and value:
        return _year_of_text(value)
    return None


@lru_cache(maxsize=65536)
def _year_of_text(text: str) -> int | None:
    if len(text) > 24:
        return None
    match = _YEAR_RE.match(_clean_label(text)[0])
    return int(match.group(1)) if match else None


@dataclass
class _Column:
    col: int
    unit: str | None
    header: str


@dataclass
class _Table:
    kind: str
    header_row: int
    columns: dict[str, _Column]
    first_row: int  # first data row
    ticks: dict[int, str] = field(default_factory=dict)  # satisfaction as tick columns: col → word
    end_row: int = -1  # last row that belongs to the table (data or not)


# ---------------------------------------------------------------------------
# the reader


@dataclass
class _Candidate:
    key: str
    sheet: str
    row: int
    col: int
    raw: Any
    unit: str | None
    synonym: str
    period: str | None = None  # written with the label or beside the figure (2025年末)
    doubt: str | None = None  # the layout read two ways: what a reviewer must settle

    @property
    def stated_period(self) -> str | None:
        """The period the value itself states (`2024年末：320万元`), else the label's."""
        return period_of(self.raw) or self.period


class _Reader:
    """One pass over the grids: tables first, then labels outside them, then cross-checks."""

    def __init__(self, name: str, result: WorkbookResult) -> None:
        self.name = name
        self.result = result
        self.how = "typed"  # a form's cells are typed in by a person
        self.prose: set[str] = set()  # grids whose rows are a document's paragraphs
        self.running: set[str] = set()  # those and a PDF's text pages: where a condition is quoted
        self.quoted: dict[str, set[int]] = {}  # per such grid, its rows under a conditions heading
        self.candidates: dict[str, list[_Candidate]] = {}
        self.yearly: dict[int, dict[str, Any]] = {}

    def read(self, grids: list[Grid]) -> None:
        self.prose = {g.name for g in grids if g.prose}
        self.running = {g.name for g in grids if g.prose or g.lines}
        level: int | None = None  # a conditions heading's, carried on to the report's next page
        for grid in grids:
            if grid.name in self.running:
                self.quoted[grid.name], level = _quoted_conditions(grid, level if grid.lines else None)
            else:
                level = None
        for grid in grids:
            skip = self._read_tables(grid)
            self._collect_labels(grid, skip)
            self._collect_other_labels(grid, skip)
        self._settle_facts()
        self.result.yearly = [self.yearly[y] for y in sorted(self.yearly)]
        self.result.findings += list_checks(
            self.name, self.result.facts, self.result.lists, self.result.list_evidence
        )

    # -- helpers

    def _place(self, sheet: str, r: int, c: int) -> tuple[str, str | None]:
        """(sheet, cell) as a person finds them: `表1`, `B3`; a paragraph is `正文第4段`."""
        if sheet in self.prose:
            return f"{sheet}第{r + 1}段", None
        return sheet, cell_name(r, c)

    def _where(self, sheet: str, r: int, c: int) -> str:
        """`表1!B3`, or `正文第4段`."""
        return "!".join(p for p in self._place(sheet, r, c) if p)

    def _evidence(self, sheet: str, r: int, c: int, raw: Any = None) -> Evidence:
        snippet = None if raw is None else _raw_text(raw)[:200]
        place, cell = self._place(sheet, r, c)
        return Evidence(self.name, place, cell, snippet=snippet, how=self.how)

    def _finding(
        self, fid: str, severity: Severity, message: str, key: str | None, evidence: Evidence | None
    ) -> None:
        self.result.findings.append(Finding(fid, severity, message, [self.name], key, evidence))

    # -- tables

    def _read_tables(self, grid: Grid) -> set[int]:
        """Read every table on the sheet; the rows they cover. A document's running text has none:
        a paragraph `合作单位` titles a table (or narrative), and the paragraphs after it are no rows."""
        covered: set[int] = set()
        if grid.prose:
            return covered
        r = 0
        while r < grid.height:
            table = _header_at(grid, r)
            if table is not None and _is_title_of(grid, table):
                table = None  # `签订合作协议的单位` over the real header row
            if table is None:
                transposed = self._transposed_yearly(grid, r)
                if transposed > r:
                    covered.update(range(r, transposed + 1))
                    r = transposed + 1
                    continue
                r += 1
                continue
            if table.kind == "yearly":
                self._read_yearly(grid, table)
            else:
                self._read_list(grid, table)
            covered.update(range(r, table.end_row + 1))
            r = max(table.end_row, r) + 1
        return covered

    def _read_list(self, grid: Grid, table: _Table) -> None:
        rows = self.result.lists.setdefault(table.kind, [])
        first = min(c.col for c in table.columns.values())
        self.result.list_evidence.setdefault(
            table.kind,
            self._evidence(grid.name, table.header_row, first, _header_text(grid, table)),
        )
        for r in _data_rows(grid, table):
            rows.append(_list_row(grid, table, r))

    def _read_yearly(self, grid: Grid, table: _Table) -> None:
        year_col = table.columns["year"].col
        self.result.list_evidence.setdefault(
            "yearly",
            self._evidence(grid.name, table.header_row, year_col, _header_text(grid, table)),
        )
        for r in _data_rows(grid, table):
            year = _year_of(grid.value(r, year_col))
            if year is None:
                table.end_row = r - 1
                break
            cells = {f: (r, col.col, col.unit) for f, col in table.columns.items() if f != "year"}
            self._add_year(grid, year, (r, year_col), cells)

    def _transposed_yearly(self, grid: Grid, r: int) -> int:
        """Years across a header row, metrics down the rows; the last row read (r when none)."""
        year_cols = {c: y for c, v in grid.filled(r) if (y := _year_of(v)) is not None}
        if len(year_cols) < 2:
            return r
        metrics: dict[int, tuple[str, str | None]] = {}
        end = r
        for rr in range(r + 1, min(grid.height, r + 12)):
            hit = _metric_label(grid, rr, min(year_cols))
            if hit is None:
                break
            metrics[rr] = hit
            end = rr
        if not metrics:
            return r
        self.result.list_evidence.setdefault("yearly", self._evidence(grid.name, r, min(year_cols)))
        for c, year in year_cols.items():
            cells = {metric: (rr, c, unit) for rr, (metric, unit) in metrics.items()}
            self._add_year(grid, year, (r, c), cells)
        return end

    def _add_year(
        self,
        grid: Grid,
        year: int,
        at: tuple[int, int],
        cells: dict[str, tuple[int, int, str | None]],
    ) -> None:
        row: dict[str, Any] = {m: None for m in _TABLE_FIELDS["yearly"]}
        row["year"] = year
        row["cells"] = {}  # metric → the evidence of its own cell (a fact taken from the row cites it)
        row["precision"] = {}  # metric → approximate / at_least: a figure written as 约130 or 130以上
        for metric, (r, c, unit) in cells.items():
            row[metric] = self._yearly_value(grid, metric, r, c, unit, year)
            if row[metric] is not None:
                ar, ac = grid.anchor(r, c)
                row["cells"][metric] = self._evidence(grid.name, ar, ac, grid.raw(ar, ac))
                if precision := _precision(row[metric], grid.raw(ar, ac)):
                    row["precision"][metric] = precision
        row["evidence"] = self._evidence(grid.name, *at)
        first = self.yearly.get(year)
        if first is None:
            self.yearly[year] = row
            return
        # a year twice (two tables, or a table and a by-year block): what the first row leaves
        # blank the later one gives; only figures that differ are a warning
        differ = [m for m in _TABLE_FIELDS["yearly"] if m != "year" and first.get(m) is not None
                  and row.get(m) is not None and first[m] != row[m]]
        for m in _TABLE_FIELDS["yearly"]:
            if m != "year" and first.get(m) is None and row.get(m) is not None:
                first[m] = row[m]
                if m in row["cells"]:
                    first.setdefault("cells", {})[m] = row["cells"][m]
                if m in row["precision"]:
                    first.setdefault("precision", {})[m] = row["precision"][m]
        if differ:
            names = "、".join(_YEARLY_LABELS[m] for m in differ)
            self._finding(
                "read.yearly_duplicate_year",
                "warning",
                f"{self.name} {self._where(grid.name, *at)}：年度经营数据中 {year} 年出现了不止一次，"
                f"{names}两处不同，采用先出现的一行",
                "yearly",
                row["evidence"],
            )

    def _yearly_value(
        self, grid: Grid, metric: str, r: int, c: int, unit: str | None, year: int
    ) -> float | int | None:
        ar, ac = grid.anchor(r, c)
        raw = grid.raw(ar, ac)
        if is_empty(raw):
            return None
        where = f"{self.name} {self._where(grid.name, ar, ac)}"
        label = f"{year}年{_YEARLY_LABELS[metric]}"
        evidence = self._evidence(grid.name, ar, ac)
        if raw is NO_CACHE:
            self._no_cache(where, label, f"yearly.{metric}", evidence)
            return None
        target = _YEARLY_UNITS[metric]
        try:
            value = parse_number(raw, target, unit)
        except ValueParseError as exc:
            self._bad_value(where, label, raw, exc, f"yearly.{metric}", evidence)
            return None
        if target == "家":
            return int(value) if value.is_integer() else value
        return value

    # -- facts by label

    def _collect_labels(self, grid: Grid, skip: set[int]) -> None:
        money = _sheet_unit(grid)  # 金额单位：万元 above the form: the unit of its bare amounts
        dated = _sheet_period(grid)  # 数据截至2024年12月31日 above it: the period of its figures
        quoted = self.quoted.get(grid.name, set())
        for r in range(grid.height):
            if r in skip:
                continue
            for c, text in grid.filled(r):
                if not isinstance(text, str):
                    continue
                inline_hits = _fill_in_hits(text)
                if not inline_hits and (one := _label_hit(text)) is not None and one.inline is not None:
                    inline_hits = (one,)  # `资产总额：320万元`: the value is in the label's cell
                for found in inline_hits:
                    if r in quoted and states_lower_bound(found.inline):
                        continue  # `1. 资产总额：不低于100万元` under 二、申报条件: the text's floor, quoted
                    unit = found.unit or _money_unit(found.key, money)  # `资产总额：320` under 单位：万元
                    cand = _Candidate(found.key, grid.name, r, c, found.inline, unit, found.synonym, found.period or dated)
                    self._add(found, cand)
                hit = None if inline_hits else _label_hit(text)
                value = None if hit is None else _label_value(grid, r, c, hit)
                if hit is None or value is None:
                    continue
                at = value.at
                if at[0] in quoted and states_lower_bound(grid.raw(*at)):
                    continue
                unit = hit.unit or value.unit or _unit_beside(grid, *at) or _money_unit(hit.key, money)
                period = value.period or hit.period or dated
                cand = _Candidate(hit.key, grid.name, *at, grid.raw(*at), unit, hit.synonym, period, value.doubt)
                self._add(hit, cand)

    def _collect_other_labels(self, grid: Grid, skip: set[int]) -> None:
        """The first cell of each row outside tables that is text but no known label, with its value."""
        others = self.result.other_labels
        for r in range(grid.height):
            if r in skip or len(others) >= _MAX_OTHER_LABELS:
                continue
            first = next(iter(grid.filled(r)), None)
            if first is None or not isinstance(first[1], str) or _label_hit(first[1]) is not None:
                continue
            label = label_text(first[1])
            at = _value_cell(grid, r, first[0])
            if not label or len(label) > _MAX_LABEL_LEN or label in others or at is None:
                continue
            raw = grid.raw(*at)
            if raw is NO_CACHE or raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            keep = raw if isinstance(raw, str | int | float | bool | date) else _raw_text(raw)
            others[label] = [keep, self._evidence(grid.name, *at, raw)]

    def _add(self, hit: _LabelHit, candidate: _Candidate) -> None:
        found = self.candidates.setdefault(hit.key, [])
        here = (candidate.sheet, candidate.row, candidate.col)
        if not any((f.sheet, f.row, f.col) == here for f in found):
            found.append(candidate)

    def _settle_facts(self) -> None:
        """First readable value wins, or the latest of figures dated to different years
        (2024年服务中小企业数 | 2025年服务中小企业数); unreadable ones are findings; disagreements
        are warnings (figures of different years are no disagreement)."""
        for key, candidates in self.candidates.items():
            readable: list[tuple[_Candidate, Any, str | None]] = []
            failures: list[tuple[_Candidate, Exception | None]] = []
            for cand in candidates:
                if cand.raw is NO_CACHE:
                    failures.append((cand, None))
                    continue
                try:
                    value, unit = parse_value(key, cand.raw, cand.unit)
                except ValueParseError as exc:
                    failures.append((cand, exc))
                    continue
                readable.append((cand, value, unit))
            chosen = _latest_period(self._stated_first(readable))
            for other in readable:
                periods = (_period_key(other[0]), _period_key(chosen[0])) if chosen is not None else (None, None)
                same_period = None in periods or periods[0] == periods[1]  # two years' figures differ, rightly
                if chosen is not None and other is not chosen and other[1] != chosen[1] and same_period:
                    self._conflict(key, chosen, other[0], other[1])
                    if (other[0].sheet in self.prose) != (chosen[0].sheet in self.prose):
                        self.result.contested.setdefault(key, []).append(self._fact(key, other))
            for cand, error in failures:
                self._report_failure(key, cand, error, settled=chosen is not None)
            if chosen is not None:
                self.result.facts[key] = self._fact(key, chosen)

    def _fact(self, key: str, chosen: tuple[_Candidate, Any, str | None]) -> Fact:
        cand, value, unit = chosen
        evidence = self._evidence(cand.sheet, cand.row, cand.col, cand.raw)
        if self.how in ("typed", "text") and scale_inferred(key, cand.raw, cand.unit):
            evidence = replace(evidence, how="unit_inferred")  # 3,200,000 for 资产总额: 元 or 万元?
        precision = _precision(value, cand.raw)
        period = cand.stated_period if BY_KEY[key].kind == "number" else None
        return Fact(
            key, value, unit, evidence, _raw_text(cand.raw), label=cand.synonym, precision=precision,
            period=period, doubt=cand.doubt,
        )

    def _stated_first(
        self, readable: list[tuple[_Candidate, Any, str | None]]
    ) -> list[tuple[_Candidate, Any, str | None]]:
        """The candidates a fact is chosen from: a lower bound written in a report's running text
        (`资产总额：不低于100万元`, a condition quoted) gives way to a figure the text states (60万元)."""
        def quoted(c: _Candidate) -> bool:
            return c.sheet in self.running and states_lower_bound(c.raw)

        stated = [x for x in readable if not quoted(x[0])]
        return stated if stated else readable

    def _report_failure(
        self, key: str, cand: _Candidate, exc: Exception | None, settled: bool
    ) -> None:
        where = f"{self.name} {self._where(cand.sheet, cand.row, cand.col)}"
        label = BY_KEY[key].labels[0]
        evidence = self._evidence(cand.sheet, cand.row, cand.col, None if exc is None else cand.raw)
        if exc is None:
            self._no_cache(where, label, key, evidence)
        else:
            self._bad_value(where, label, cand.raw, exc, key, evidence, settled)

    def _bad_value(
        self,
        where: str,
        label: str,
        raw: Any,
        exc: Exception,
        key: str,
        evidence: Evidence,
        settled: bool = False,
    ) -> None:
        message = f"{where}：“{label}”的值“{_raw_text(raw)}”无法识别：{exc}"
        if settled:
            message += "（已采用同一项在其他位置填写的值）"
        self._finding("read.bad_value", "warning" if settled else "error", message, key, evidence)

    def _no_cache(self, where: str, label: str, key: str, evidence: Evidence) -> None:
        message = (
            f"{where}：“{label}”是公式，但文件中没有保存计算结果（生成文件的工具不计算公式）；"
            f"请用 Excel 或 WPS 打开后保存再提交，或直接填写数值"
        )
        self._finding("read.formula_no_value", "error", message, key, evidence)

    def _conflict(
        self, key: str, chosen: tuple[_Candidate, Any, str | None], other: _Candidate, value: Any
    ) -> None:
        first, first_value, _ = chosen
        a = self._where(first.sheet, first.row, first.col)
        b = self._where(other.sheet, other.row, other.col)
        evidence = self._evidence(other.sheet, other.row, other.col, other.raw)
        if first.synonym == other.synonym:  # the same label filled in twice
            message = (
                f"{self.name}：“{first.synonym}”填写了不同的值：{a} 为“{_show(first_value)}”，"
                f"{b} 为“{_show(value)}”；采用前者"
            )
            self._finding("read.conflicting_values", "warning", message, key, evidence)
            return
        message = (  # two labels of one key (联系电话 and 手机): both may be right
            f"{self.name}：“{first.synonym}”（{a}）为“{_show(first_value)}”，“{other.synonym}”（{b}）"
            f"为“{_show(value)}”，两者都作为“{BY_KEY[key].labels[0]}”读取，采用前者"
        )
        self._finding("read.conflicting_values", "info", message, key, evidence)


_YEARLY_LABELS = {c.key: c.header for c in _VOCAB.yearly.columns}
_YEARLY_UNITS = {c.key: c.unit for c in _VOCAB.yearly.columns if c.unit}
_MAX_RIGHT = 20  # columns searched to the right of a label


# A heading of a report's running text, and its level: `二、申报条件` (1), `（一）基本条件` (2)
_HEADING_RE = re.compile(r"^\s*(?:(?P<one>[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+[章节部分])|(?P<two>[（(][一二三四五六七八九十]+[）)]))")
# a heading over the text's conditions (as quoted by an applicant), not over the applicant's own data
_CONDITIONS_RE = re.compile(r"(?:申报|认定|申请|评审|推荐|评价|基本)(?:条件|要求|标准)|(?:认定|管理)办法")


# a sentence introducing the text's conditions, not a heading: `申报单位应具备下列条件：`, `认定标准如下：`;
# what it introduces runs to the next heading of any level
_CONDITIONS_INTRO_RE = re.compile(r"(?:条件|要求|标准)(?:如下)?[：:]\s*$")
_INTRO_LEVEL = 3


def _quoted_conditions(grid: Grid, level: int | None = None) -> tuple[set[int], int | None]:
    """Rows of a report's running text under a heading that names the text's conditions (二、申报条件,
    （一）认定条件) until the next heading of its level or above (三、本单位基本情况); and the level of
    the heading still open at its end (`level`: one opened on the page before)."""
    rows: set[int] = set()
    for r in range(grid.height):
        text = grid.raw(r, 0)
        m = _HEADING_RE.match(text) if isinstance(text, str) else None
        if m is not None:
            here = 1 if m.group("one") else 2
            if level is not None and here <= level:
                level = None
            if level is None and _CONDITIONS_RE.search(text):
                level = here
                continue
        elif level is None and isinstance(text, str) and _CONDITIONS_INTRO_RE.search(text):
            level = _INTRO_LEVEL  # `申报单位应具备下列条件：`: the floors listed next are the text's
            continue
        if level is not None:
            rows.add(r)
    return rows, level


def _value_cell(grid: Grid, r: int, c: int) -> tuple[int, int] | None:
    """The cell holding a label's value: to the right (past empties), else below."""
    r1, c1 = grid.span_end(r, c)
    cc = c1 + 1
    while cc < min(grid.width, c1 + 1 + _MAX_RIGHT):
        ar, ac = grid.anchor(r, cc)
        value = grid.raw(ar, ac)
        if not is_empty(value):
            if _label_like(value):
                break
            return ar, ac
        cc = max(cc, grid.span_end(ar, ac)[1]) + 1
    return _cell_below(grid, r, c)


def _cell_below(grid: Grid, r: int, c: int) -> tuple[int, int] | None:
    """The cell under a label (its latest year's, under a column of years), unless it is a label."""
    ar, ac = grid.anchor(_latest_year_row(grid, grid.span_end(r, c)[0] + 1, c)[0], c)
    value = grid.raw(ar, ac)
    if (ar, ac) != (r, c) and not is_empty(value) and not _label_like(value):
        return ar, ac
    return None


@dataclass(frozen=True)
class _Value:
    """Where a label's value is, and what the cells between them say of it."""

    at: tuple[int, int]
    unit: str | None = None  # a unit written in a cell of its own (| 单位 | 万元 |, | 万元 | 320 |)
    period: str | None = None  # the row's period (| 2025年末 | 320 |)
    doubt: str | None = None  # rows that say nothing of which is the figure: for review


# A cell between a number's label and its value that says which figure the row holds: the period
# end, the prior period, or the unit (`单位`, `单位：万元`, `万元`). Dated periods (2025年末) are
# read by units.period_parts.
_END_WORDS = frozenset(
    ["年末", "期末", "本年末", "本期末", "年末数", "期末数", "期末余额", "年末余额", "本年", "本期", "本年度"]
    + ["全年", "本年数", "本期数", "本期金额", "本年金额"]
)
_PRIOR_WORDS = frozenset(
    ["年初", "期初", "上期末", "年初数", "期初数", "期初余额", "年初余额", "上期", "上期数", "上期金额"]
)
# 上年末 of a 申请表 is the year before the application, the one asked for; beside a 本年末 it is
# the year before that: alone it is the figure, with a 年末 it leaves the reviewer to say
_LAST_WORDS = frozenset(["上年末", "上年", "上年度", "上一年度", "上年数", "上年金额", "上年末数"])
_UNIT_CELL_RE = re.compile(r"^(?:计量|金额)?单位[:]?(?P<unit>.*)$")


def _qualifier(value: Any) -> tuple[str, str] | None:
    """(`end` | `prior` | `last` | `period` | `unit`, text) of a cell that qualifies a figure beside
    it rather than being one; for `unit`, the unit it names ("" for a bare `单位`)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = normalize(value).strip(":")
    if text in _END_WORDS:
        return "end", text
    if text in _PRIOR_WORDS:
        return "prior", text
    if text in _LAST_WORDS:
        return "last", text
    if period_parts(text) is not None:
        return "period", text
    m = _UNIT_CELL_RE.match(text)
    if m and (not m["unit"] or is_unit(m["unit"])):
        return "unit", m["unit"]
    return ("unit", text) if is_unit(text) else None


@dataclass
class _Row:
    """One row right of a number's label: the qualifiers before its figure, and the figure."""

    kind: str = ""  # end | prior | last | period | "" (nothing says which figure it is)
    period: str | None = None  # the qualifier's text (年末, 2025年末)
    unit: str | None = None
    figure: tuple[int, int] | None = None


# words that may stand before a figure and say nothing of which figure it is
_PLAIN_WORDS = frozenset(
    ["合计", "总计", "共计", "共", "总额", "总数", "金额", "数量", "人数", "实际", "经审计", "数值", "填写", "人民币", "RMB"]
)


def _walk_right(grid: Grid, r: int, c0: int, top: int) -> list[_Row]:
    """Row r from column c0: each figure with the qualifiers before it (年末, 2025年, 单位, 万元)
    and a unit after it; a period after a figure starts the next (| 2024年 | 9人 | 2025年 | 14人 |).
    A word of no known meaning before a figure (| 固定资产 | 100 |) is kept as the row's qualifier
    (kind `other`); when no figure follows it, it is the value as written (unreadable, said so).
    A cell merged down from a row of the label's span (`top` on) was read on that row."""
    rows = [_Row()]
    pending: tuple[int, int] | None = None  # a word with no digit, before any figure
    cc = c0
    while cc < min(grid.width, c0 + _MAX_RIGHT):
        ar, ac = grid.anchor(r, cc)
        value = grid.raw(ar, ac)
        cc = max(cc, grid.span_end(ar, ac)[1]) + 1
        if (top <= ar < r) or is_empty(value):
            continue
        row = rows[-1]
        q = _qualifier(value)
        if q is None:
            if row.figure is not None or _label_like(value):
                break
            if isinstance(value, str) and not re.search(r"[0-9０-９]", value) and pending is None:
                pending = (ar, ac)
                continue
            row.figure = (ar, ac)
            if pending is not None and not row.kind:
                word = _raw_text(grid.raw(*pending))
                if normalize(word).strip(":") not in _PLAIN_WORDS:
                    row.kind, row.period = "other", word
        elif q[0] == "unit":
            row.unit = row.unit or q[1] or None
        elif row.figure is not None:  # the next period's figure
            rows.append(_Row(q[0], q[1]))
        elif not row.kind:
            row.kind, row.period = q
    if rows[0].figure is None and pending is not None:  # `见附件`: the value as written
        rows[0].figure = pending
    return rows


def _label_value(grid: Grid, r: int, c: int, hit: _LabelHit) -> _Value | None:
    """The value of a label, read through the cells that qualify it (a number's only).

    `| 资产总额 | 年末 | 320 |`; a label merged over rows (A5:A6 `资产总额`, | 年末 | 320 | on row 5,
    | 年初 | 290 | on row 6); `| 年服务中小企业数 | 2024年 | 108家 |` over `| | 2025年 | 125家 |`; a
    unit in a cell or a row of its own (| 万元 | 320 |, | 单位 | 万元 | under the figure, or below a
    label that has its value below): the period end's figure, or the latest dated one, in the unit
    written. Rows that do not say which is the figure (`合计`, `其中`) give the first, with a doubt
    for the reviewer; none is chosen silently.
    """
    if BY_KEY[hit.key].kind != "number":
        at = _value_cell(grid, r, c)
        return None if at is None else _Value(at)
    r1, c1 = grid.span_end(r, c)
    rows = [row for rr in range(r, r1 + 1) for row in _walk_right(grid, rr, c1 + 1, r)]
    unit = next((row.unit for row in rows if row.unit and is_unit(row.unit)), None)
    figures = [row for row in rows if row.figure is not None]
    if not figures:
        return _value_below(grid, r, c, unit)
    if len(figures) == 1 and figures[0].kind not in ("prior", "other"):
        row = figures[0]
        return _Value(row.figure, unit, row.period if row.kind == "period" else None)  # type: ignore[arg-type]
    dated = [(p, row) for row in figures if row.kind == "period" and (p := period_parts(row.period or ""))]
    if dated:
        _, row = max(dated, key=lambda d: (d[0][0], d[0][1] or 12, d[0][2] or 31))
        return _Value(row.figure, unit, row.period)  # type: ignore[arg-type]
    ends = [row for row in figures if row.kind == "end"]
    lasts = [row for row in figures if row.kind == "last"]
    if len(ends) + len(lasts) == 1:
        return _Value((ends or lasts)[0].figure, unit)  # type: ignore[arg-type]
    label = BY_KEY[hit.key].labels[0]
    shown = "；".join(
        (f"“{row.period}” " if row.period else "") + _raw_text(grid.raw(*row.figure))  # type: ignore[misc]
        for row in figures
    )
    if all(row.kind == "prior" for row in figures):
        doubt = f"{label}一栏只填写了期初（年初）的数字（{shown}），没有期末（年末）的数字：请申报单位填写上一年度末的{label}。"
    elif len(figures) == 1:
        doubt = f"{label}一栏的数字前写有“{figures[0].period}”（{shown}），不能确定它就是{label}：请评审人员确认。"
    else:
        doubt = f"{label}一栏分行填写了几个数字（{shown}），表格没有说明哪一个是{label}：请评审人员确认应取哪一个。"
    return _Value(figures[0].figure, unit, None, doubt)  # type: ignore[arg-type]


def _value_below(grid: Grid, r: int, c: int, unit: str | None) -> _Value | None:
    """A label's value below it (no figure to its right), past a row that only states the unit
    (万元, 单位：万元)."""
    below = grid.anchor(grid.span_end(r, c)[0] + 1, c)
    q = _qualifier(grid.raw(*below)) if below[0] < grid.height else None
    if q is not None and q[0] == "unit":
        nxt = grid.anchor(grid.span_end(*below)[0] + 1, c)
        value = grid.raw(*nxt)
        if nxt[0] < grid.height and not is_empty(value) and not _label_like(value) and _qualifier(value) is None:
            return _Value(nxt, q[1] or unit)
        return None
    at = _cell_below(grid, r, c)
    year = _latest_year_row(grid, grid.span_end(r, c)[0] + 1, c)[1]  # the figure of that year
    return None if at is None else _Value(at, unit, f"{year}年" if year is not None else None)


_MAX_YEAR_ROWS = 10


def _latest_year_row(grid: Grid, r: int, c: int) -> tuple[int, int | None]:
    """The row below a column label that holds its value, and its year: `r`, unless the rows from
    `r` down are years, named left of the label's column (| 项目 | 从业人数 | / | 2024年 | 9人 | /
    | 2025年 | 14人 |): then the latest year's row. The first row under such a label is the oldest
    year, not the figure."""
    years: dict[int, int] = {}
    for rr in range(r, min(grid.height, r + _MAX_YEAR_ROWS)):
        year = next((y for cc in range(c) if (y := _year_of(grid.raw(*grid.anchor(rr, cc)))) is not None), None)
        if year is None:
            break
        years.setdefault(year, rr)
    return (years[max(years)], max(years)) if len(years) >= 2 else (r, None)


# `金额单位：万元`, `（单位：元）` on a line of its own: the form's statement of its amounts' unit
# (not 单位：元/次, a price's unit)
_SHEET_UNIT_RE = re.compile(r"[(（]?(?:金额|货币)?单位[:：]\s*(元|万元|亿元|人民币万元|人民币元)(?![/／每])[)）]?")
_SHEET_UNIT_ROWS = 6  # such a note stands above the form, under its title


def _sheet_unit(grid: Grid) -> str | None:
    """The money unit a sheet states once near its top, or a report's table in the lines just
    above it (`一、基本情况（金额单位：万元）`), when it states exactly one."""
    found = set()
    for r in range(min(grid.height, _SHEET_UNIT_ROWS)):
        for _, text in grid.filled(r):
            if isinstance(text, str) and (m := _SHEET_UNIT_RE.fullmatch("".join(text.split()))):
                found.add(m.group(1))
    for line in grid.above:  # a title may carry the note at its end: searched, not matched whole
        found.update(m.group(1) for m in _SHEET_UNIT_RE.finditer("".join(line.split())))
    units = {unit.removeprefix("人民币") for unit in found}
    return units.pop() if len(units) == 1 else None


# `数据截至2024年12月31日`, `（统计期间：2024年度）`, `（截至2024年12月31日）` on a line of its own above
# the form: the period its figures are of (a title's year, 2026年度…申请表, and the 填报日期 are the
# application's, not the figures')
_SHEET_PERIOD_RE = re.compile(
    rf"(?:数据|统计)(?:(?:截至|截止)(?:时间|日期)?|期间|年度|时点|口径):?(?P<p>{PERIOD})|^[(（]?(?P<q>{PERIOD.replace('?P<', '?P<q_')})[)）]?$"
)


def _sheet_period(grid: Grid) -> str | None:
    """The period a sheet (or a report's table, by the lines above it) states for all its figures,
    when it states exactly one: `数据截至2024年12月31日` → `截至2024年12月31日`."""
    found = set()
    lines = [text for r in range(min(grid.height, _SHEET_UNIT_ROWS)) for _, text in grid.filled(r) if isinstance(text, str)]
    for line in [*lines, *grid.above]:
        for m in _SHEET_PERIOD_RE.finditer(normalize(line)):
            if m["q"] is not None:  # a line holding only a period: a cut-off date only (截至…)
                if m["q"].startswith(("截至", "截止")):
                    found.add(m["q"])
                continue
            cut = ("截至", "截止")
            found.add(m["p"] if m["p"].startswith(cut) or not any(w in m[0] for w in cut) else f"截至{m['p']}")
    return found.pop() if len(found) == 1 else None


def _money_unit(key: str, unit: str | None) -> str | None:
    """`unit` for a key kept in money (资产总额, 融资总额), not for counts, areas or shares."""
    if unit is None:
        return None
    fk = vocab.get().facts.get(key)
    if fk is None or fk.kind != "number" or not fk.unit or not is_unit(fk.unit):
        return None
    return unit if unit_info(fk.unit)[0] == unit_info(unit)[0] else None


def _unit_beside(grid: Grid, r: int, c: int) -> str | None:
    """`| 资产总额 | 320 | 万元 |`: a unit in the cell after the value is the number's unit."""
    value = grid.raw(r, c)
    if not isinstance(value, int | float) and not (
        isinstance(value, str) and _is_bare_number(value)
    ):
        return None
    nxt = grid.value(r, grid.span_end(r, c)[1] + 1)
    if isinstance(nxt, str) and nxt.strip() and is_unit(nxt):
        return normalize(nxt)
    return None


def _is_bare_number(text: str) -> bool:
    return re.fullmatch(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?", normalize(text)) is not None


def _precision(value: Any, raw: Any) -> str | None:
    """`month` / `year` for a date written to the month / the year, `approximate` for a number
    written as an approximation (约130家, 130家左右), `at_least` for one written as a lower bound
    (150家以上, 150余家): what the value does not say, which no check may take as written."""
    if isinstance(value, date):
        return "month" if names_no_day(raw) else "year" if names_year_only(raw) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if states_approximate(raw):
            return "approximate"
        if states_lower_bound(raw):
            return "at_least"
    return None


def _period_key(cand: _Candidate) -> tuple[int, int, int] | None:
    """(year, month, day) of the period a candidate states (a year's end sorts at its 12-31)."""
    text = cand.stated_period
    parts = period_parts(text) if text else None
    if parts is None:
        return None
    year, month, day, word = parts
    if word == "初":
        return year, 1, 1
    return year, month or 12, day or 31


def _latest_period(readable: list[tuple[_Candidate, Any, str | None]]) -> tuple[_Candidate, Any, str | None] | None:
    """The first readable candidate; of figures dated to different periods, the latest one."""
    if not readable:
        return None
    dated = [(k, i) for i, (cand, _, _) in enumerate(readable) if (k := _period_key(cand)) is not None]
    if len({k for k, _ in dated}) < 2:
        return readable[0]
    return readable[max(dated)[1]]


def _raw_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if raw is NO_CACHE:
        return ""
    try:
        return parse_text(raw)
    except ValueParseError:
        return str(raw)


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


# ---------------------------------------------------------------------------
# tables: headers and rows


def _metric_label(grid: Grid, r: int, before: int) -> tuple[str, str | None] | None:
    """(yearly metric, unit) named in row r left of column `before` (a transposed yearly table)."""
    for c in range(before):
        value = grid.value(r, c)
        hit = _header_field(value) if isinstance(value, str) and value.strip() else None
        if hit and hit[0] == "yearly" and hit[1] != "year":
            return hit[1], hit[2]
    return None


def _header_at(grid: Grid, r: int) -> _Table | None:
    """The table whose header row is row r, if any."""
    cells = grid.filled(r)
    hits = [(c, v, h) for c, v in cells if isinstance(v, str) and (h := _header_field(v))]
    if not hits:
        return None
    by_kind: dict[str, dict[str, _Column]] = {}
    for c, value, (kind, fld, unit) in hits:
        by_kind.setdefault(kind, {}).setdefault(fld, _Column(c, unit, value.strip()))
    # cells that are no column header are values: then this is no header row
    others = sum(
        1
        for _, v in cells
        if not (isinstance(v, str) and (_header_field(v) or _is_extra_column(v)))
    )
    best: tuple[int, str] | None = None
    for kind, columns in by_kind.items():
        needs, least = _TABLE_NEEDS[kind]
        fits = len(columns) >= max(least, others + 1) and all(
            need & columns.keys() for need in needs
        )
        if fits and (best is None or len(columns) > best[0]):
            best = (len(columns), kind)
    if best is None:
        return None
    kind = best[1]
    table = _Table(kind, r, by_kind[kind], first_row=_below_header(grid, r, by_kind[kind]))
    if kind == "served_smes":
        _find_ticks(grid, table)
    return table


def _is_extra_column(text: str) -> bool:
    return _clean_label(text)[0] in _EXTRA_COLUMNS


def _is_title_of(grid: Grid, table: _Table) -> bool:
    """True when the row after `table`'s header is a fuller header of the same kind."""
    if table.first_row >= grid.height:
        return False
    below = _header_at(grid, table.first_row)
    return (
        below is not None and below.kind == table.kind and len(below.columns) >= len(table.columns)
    )


def _below_header(grid: Grid, r: int, columns: dict[str, _Column]) -> int:
    """The first row after the header's merged cells."""
    return max(grid.span_end(r, col.col)[0] for col in columns.values()) + 1


def _find_ticks(grid: Grid, table: _Table) -> None:
    """The xuchang table: 企业满意度 over two columns 满意 | 不满意, ticked per row."""
    r = table.first_row
    cells = grid.filled(r)
    words = {
        c: normalize(v) for c, v in cells if isinstance(v, str) and normalize(v) in _SUBHEADER_WORDS
    }
    if words and all(c in words for c, _ in cells):
        table.ticks = words
        table.first_row = r + 1


def _header_text(grid: Grid, table: _Table) -> str:
    return " | ".join(col.header for col in sorted(table.columns.values(), key=lambda c: c.col))


def _data_rows(grid: Grid, table: _Table) -> list[int]:
    """Rows from the first data row until a blank row, a footer (合计, 注：…) or another table."""
    cols = [col.col for col in table.columns.values()] + list(table.ticks)
    span = range(min(cols), max(cols) + 1)
    out: list[int] = []
    r = table.first_row
    while r < grid.height:
        values = [grid.value(r, c) for c in cols]
        if all(is_empty(v) or v is NO_CACHE for v in values):
            break
        first = next((v for c in span if isinstance(v := grid.value(r, c), str) and v.strip()), "")
        # a footer's word may stand in the 序号 column left of the fields (合计 | 共90家 | …)
        lead = next((v for c in range(min(cols)) if isinstance(v := grid.value(r, c), str) and v.strip()), "")
        if _FOOTER_RE.match(first) or _FOOTER_RE.match(lead) or (r > table.first_row and _header_at(grid, r) is not None):
            break
        out.append(r)
        r += 1
    table.end_row = max(r - 1, table.first_row - 1)
    return out


def _list_row(grid: Grid, table: _Table, r: int) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for fld, col in table.columns.items():
        raw = grid.value(r, col.col)
        row[fld] = None if is_empty(raw) or raw is NO_CACHE else _list_value(fld, raw, col.unit)
    if table.ticks:
        ticked = [word for c, word in table.ticks.items() if _ticked(grid.value(r, c))]
        row["satisfaction"] = ticked[0] if len(ticked) == 1 else None  # none or both ticked
    if table.kind == "equipment" and "price" in table.columns:
        row["price"], row["price_raw"] = _price(
            grid.value(r, table.columns["price"].col), table.columns["price"].unit
        )
    return row


def _ticked(value: Any) -> bool:
    if is_empty(value) or value is NO_CACHE:
        return False
    if isinstance(value, bool):
        return value
    return normalize(str(value)) not in {"×", "否", "0", "无", "-", "/"}


# compiled on first use (re caches them): only a staff or equipment list needs them
_AGE_RE = r"^([0-9]{1,3})(?:岁|周岁)?$"
_QUANTITY_RE = r"^([0-9]+(?:\.[0-9]+)?)(?:台|套|个|件|部|辆|把|张|组|项|台套|台\(套\))?$"


def _list_value(fld: str, raw: Any, unit: str | None) -> Any:
    """A list cell in a useful type when it reads cleanly, else the text as written."""
    if fld == "age" or fld == "quantity":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return int(raw) if float(raw).is_integer() else raw
        match = re.match(_AGE_RE if fld == "age" else _QUANTITY_RE, normalize(str(raw)))
        if match:
            number = float(match.group(1))
            return int(number) if number.is_integer() else number
    if fld in ("purchase_date", "agreement_date"):
        try:
            when = parse_date(raw)
        except ValueParseError:
            pass
        else:  # 2019年9月 stays a month: the form must not print a day nobody wrote
            return f"{when.year}年{when.month}月" if names_no_day(raw) else when
    return _raw_text(raw)


def _price(raw: Any, unit: str | None) -> tuple[float | None, str | None]:
    """(price in 万元 when a unit is known from the header or the value, the text as written)."""
    if is_empty(raw) or raw is NO_CACHE:
        return None, None
    text = _raw_text(raw)
    if unit is None and (isinstance(raw, int | float) or _is_bare_number(text)):
        return None, text  # 35000 or 3.5? no unit, no guess
    try:
        return parse_number(raw, "万元", unit), text
    except ValueParseError:
        return None, text


# ---------------------------------------------------------------------------
# cross-checks between the lists and the form

_QUALIFICATIONS = _VOCAB.qualifications  # vocab/qualifications.yaml
_EDU_YES = _QUALIFICATIONS.education
_TITLE_NO = re.compile("|".join(_QUALIFICATIONS.title_below))
_TITLE_YES = _QUALIFICATIONS.title_qualifying


def education_qualifies(text: Any) -> bool:
    """大专及以上学历: 大专/专科/本科/硕士/博士/研究生 (not 中专, 高中 …)."""
    value = normalize(str(text or "")).upper()
    return any(w in value for w in _EDU_YES)


def title_qualifies(text: Any) -> bool:
    """中级及以上技术职称: 中级/高级/正高/副高 or a title of that rank (工程师, 经济师, 会计师 …).

    助理…, 初级 and 技术员 are below it (but 助理研究员 is 中级).
    """
    value = normalize(str(text or ""))
    if any(w in value for w in _QUALIFICATIONS.title_always):
        return True
    if _TITLE_NO.search(value):
        return False
    return any(w in value for w in _TITLE_YES)


def qualified_counts(staff: list[dict[str, Any]]) -> tuple[int, int]:
    """(people with 大专及以上学历 or 中级及以上职称, people with both).

    The label reads “大专及以上学历和中级及以上技术职称的专业人员”. pingtai takes the
    first count, the union, as the reading: “和” joins the two groups that count as
    专业人员 (a person counts once, with either qualification), which is how the
    national and provincial forms are filled in practice. The stricter reading (both
    at once) is the second count; a form value equal to either is accepted.
    """
    either = both = 0
    for person in staff:
        edu, title = (
            education_qualifies(person.get("education")),
            title_qualifies(person.get("title")),
        )
        either += edu or title
        both += edu and title
    return either, both


def satisfaction_share(served: list[dict[str, Any]]) -> tuple[float, int] | None:
    """(share of 满意 answers in %, answers counted); 基本满意/很满意 count as 满意, 一般 does not."""
    answers = [normalize(str(row.get("satisfaction") or "")) for row in served]
    counted = [a for a in answers if a and ("满意" in a or a in ("一般", "√", "×"))]
    if not counted:
        return None
    happy = sum(1 for a in counted if ("满意" in a and "不满意" not in a) or a == "√")
    return 100.0 * happy / len(counted), len(counted)


_SATISFACTION_TOLERANCE = 1.0  # percentage points: rounding in the form


def list_checks(
    name: str,
    facts: dict[str, Fact],
    lists: dict[str, list[dict[str, Any]]],
    list_evidence: dict[str, Evidence],
) -> list[Finding]:
    """Counts and shares from the lists compared with the form's values."""
    out: list[Finding] = []
    staff, served = lists.get("staff") or [], lists.get("served_smes") or []

    def number(key: str) -> float | None:
        fact = facts.get(key)
        return float(fact.value) if fact and isinstance(fact.value, int | float) else None

    def add(fid: str, severity: Severity, message: str, key: str, kind: str) -> None:
        out.append(
            Finding(fid, severity, f"{name}：{message}", [name], key, list_evidence.get(kind))
        )

    total = number("staff_total")
    where = _list_where(list_evidence.get("staff"))
    if staff and total is not None and len(staff) != total:
        add(
            "read.staff_count_mismatch",
            "warning",
            f"人员名单{where}列出 {len(staff)} 人，申请表“从业人数”为 {total:g} 人，两者不一致",
            "staff_total",
            "staff",
        )
    qualified = number("staff_qualified")
    has_quals = any(p.get("education") or p.get("title") for p in staff)
    if staff and has_quals and qualified is not None and (total is None or len(staff) == total):
        either, both = qualified_counts(staff)
        if qualified not in (either, both):
            add(
                "read.staff_qualified_mismatch",
                "warning",
                f"按人员名单{where}的学历、职称，大专及以上学历或中级及以上职称的有 {either} 人"
                f"（两者兼具的 {both} 人），申请表填写 {qualified:g} 人，两者不一致",
                "staff_qualified",
                "staff",
            )
    rate, share = number("satisfaction_rate"), satisfaction_share(served)
    where = _list_where(list_evidence.get("served_smes"))
    if rate is not None and share is not None and abs(share[0] - rate) > _SATISFACTION_TOLERANCE:
        add(
            "read.satisfaction_mismatch",
            "warning",
            f"服务企业名单{where}中 {share[1]} 家的评价里“满意”占 {share[0]:.1f}%，"
            f"申请表“用户满意度”为 {rate:g}%，两者不一致",
            "satisfaction_rate",
            "served_smes",
        )
    partners, agencies = lists.get("partners") or [], number("agencies_aggregated")
    if partners and agencies is not None and len(partners) != agencies:
        add(
            "read.partner_count_mismatch",
            "warning",
            f"合作单位名单{_list_where(list_evidence.get('partners'))}列出 {len(partners)} 家，"
            f"申请表“集聚服务机构数”为 {agencies:g} 家，两者不一致",
            "agencies_aggregated",
            "partners",
        )
    smes = number("smes_served")
    if served and smes is not None and len(served) != smes:
        add(
            "read.served_count_differs",
            "info",
            f"服务企业名单{where}列出 {len(served)} 家，申请表“年服务中小企业数”为 {smes:g} 家"
            "（供核对）",
            "smes_served",
            "served_smes",
        )
    return out


def _list_where(evidence: Evidence | None) -> str:
    return f"（{evidence.sheet}）" if evidence and evidence.sheet else ""


__all__ = [
    "WorkbookResult",
    "read_workbook",
    "read_grids",
    "list_checks",
    "qualified_counts",
    "education_qualifies",
    "title_qualifies",
    "satisfaction_share",
]
