"""Read values the way people type them into a 申请表, in the unit of a fact key.

Every parser returns a value or raises `ValueParseError` with a Chinese reason;
none of them guesses. Readings that are conventions rather than plain facts:

- A bare number (no unit written) is in the label's bracketed unit when there is
  one (`上年末总资产（万元）`), otherwise in the key's own unit.
- For a percentage key a bare number from 0 to 1 is a fraction: `0.85` → 85 %.
  That is what Excel stores for a cell formatted as a percentage, and a rate of
  under 1 % is not something these forms ask about. `0.85%` (sign written) is 0.85 %.
- `150家以上` / `不少于150家` / `150余家` / `150多家` / `超过150家` are read as 150, the
  lower bound the applicant states, and `states_lower_bound` tells them apart: the fact
  carries `precision: at_least`, and a check that such a bound fails (or one that an upper
  limit passes) is for review, not decided.
- `约130家` / `130家左右` / `近150家` / `将近150家` / `预计150家` (or `（预计）` after it) are read as
  the number written, and `states_approximate` tells them apart: the fact carries
  `precision: approximate`, and no check decides on it (review). Upper bounds and ranges
  (`不足150家`, `150家以下`, `若干`, `120~150家`) stay errors: the rules need a figure.
- A period written before a figure (`2025年末：260万元`, `截至2025年12月31日，260万元`,
  `2025年度130家`) or in a note after it (`260万元（2025年末）`) is not part of the number;
  `period_of` returns it as written, so that a check can tell a figure of another year
  from the one the condition is about (derive.period_doubts).
- A date in Chinese numerals (`二〇一九年三月十五日`, as signed documents date themselves) is
  the same date. A year alone (`2019年`, `2019`, `二〇一九年`) is no date for `parse_date`;
  a fact key's date (`parse_value`) reads it as the 1st of January, and `names_year_only`
  tells it apart: the fact carries `precision: year` (derive counts years from either end).
- A date given only as year and month (`2019.03`, `2019年3月`) is held as the first
  of that month, and `names_no_day` tells it apart: the fact carries
  `precision: month`, and no check may take that day as written (derive, consistency).
- A bare number for a key whose dimension is written at several scales (money:
  元, 万元, 亿元) with no unit in its label or beside it is read in the key's unit
  by convention only: `scale_inferred` says so and the reader marks it
  `unit_inferred` (a reviewer confirms it). Counts and shares have one scale.
- A bracketed note after the value (`320万元（经审计）`, `85%(2025年)`) is a note,
  not part of the unit; the raw text keeps it.
- A float that looks like a dotted year-month (`2019.03` typed into a number cell)
  is read as that month, except `2019.1`, which Excel may have shortened from
  `2019.10`: that one is an error.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, DecimalException
from typing import Any

from pingtai_cli import vocab


class ValueParseError(ValueError):
    """A value that cannot be read without guessing; the message (Chinese) says why."""


# ---------------------------------------------------------------------------
# text normalisation


_SPACE_RE = re.compile(r"\s+")
_DIGIT_STOP_RE = re.compile(r"(?<=\d)。(?=\d)")


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC: `１５０` → `150`, `：` → `:`, `㎡` → `m2`), no spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIGIT_STOP_RE.sub(".", text)
    return _SPACE_RE.sub("", text)


def _as_text(raw: object) -> str:
    if raw is None:
        raise ValueParseError("空值")
    if not isinstance(raw, str):
        raise ValueParseError(f"无法识别的值类型：{type(raw).__name__}")
    text = normalize(raw)
    if not text:
        raise ValueParseError("空值")
    return text


# ---------------------------------------------------------------------------
# units

# unit as written → (dimension, factor to the dimension's base unit)
_BASE_UNITS: dict[str, tuple[str, int]] = {
    "元": ("money", 1),
    "人民币元": ("money", 1),
    "平方米": ("area", 1),
    "平米": ("area", 1),
    "平方": ("area", 1),
    "m2": ("area", 1),
    "M2": ("area", 1),
    "平方公尺": ("area", 1),
    "人次": ("person_times", 1),
    "人": ("people", 1),
    "名": ("people", 1),
    "位": ("people", 1),
    "家": ("orgs", 1),
    "个": ("orgs", 1),
    "户": ("orgs", 1),
    "次": ("events", 1),
    "场": ("events", 1),
    "场次": ("events", 1),
    "期": ("events", 1),
    "%": ("percent", 1),
    "台套": ("units", 1),
    "台(套)": ("units", 1),
    "台": ("units", 1),
    "套": ("units", 1),
}
_MULTIPLIERS: dict[str, int] = {
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10_000,
    "十万": 100_000,
    "百万": 1_000_000,
    "千万": 10_000_000,
    "亿": 100_000_000,
}
_COUNT_DIMENSIONS = {"people", "orgs", "events", "person_times", "units"}
# longest first so that 人次 wins over 人, 百万 over 万
_BASE_ALT = "|".join(re.escape(u) for u in sorted(_BASE_UNITS, key=len, reverse=True))
_MULT_ALT = "|".join(re.escape(m) for m in sorted(_MULTIPLIERS, key=len, reverse=True))
_UNIT_RE = re.compile(rf"^(?P<mult>{_MULT_ALT})?(?P<base>{_BASE_ALT})?$")


def unit_info(unit: str) -> tuple[str | None, Decimal]:
    """`万元` → ("money", 10000); `万` → (None, 10000): the dimension and factor of a unit."""
    match = _UNIT_RE.match(normalize(unit))
    if match is None or not (match["mult"] or match["base"]):
        raise ValueParseError(f"无法识别的单位“{unit}”")
    factor = Decimal(_MULTIPLIERS.get(match["mult"] or "", 1))
    if match["base"] is None:
        return None, factor
    dimension, base_factor = _BASE_UNITS[match["base"]]
    return dimension, factor * base_factor


def _is_unit_text(text: str) -> bool:
    try:
        unit_info(text)
    except ValueParseError:
        return False
    return True


def is_unit(text: str) -> bool:
    """True when `text` is a unit this module reads (`万元`, `㎡`, `家`, `%`…)."""
    try:
        dimension, _ = unit_info(text)
    except ValueParseError:
        return False
    return dimension is not None


# ---------------------------------------------------------------------------
# numbers

# An approximate figure: the number is read, the fact says it is approximate (states_approximate).
# Each word is stated once; the patterns are built from the lists.
_APPROX_BEFORE = ("大约", "大概", "将近", "接近", "预计", "估计", "约", "近")  # 约320万元
_APPROX_AFTER = ("左右", "上下")  # 320万元左右
# Words that leave no figure to read: an upper bound only, a range, no number at all
_UPPER_BOUND_WORDS = ("不到", "不足", "少于", "以下", "以内")
_RANGE_WORDS = ("~", "～")
_NO_FIGURE_WORDS = ("若干",) + _UPPER_BOUND_WORDS + _RANGE_WORDS
# Every one is an error wherever it stands (the approximate words too, when they are not where an
# approximation is written)
_HEDGES = _APPROX_BEFORE + _APPROX_AFTER + _NO_FIGURE_WORDS
# two numbers joined by a dash or 至/到: 120-150家, 120至150家 (after NFKC)
_RANGE_RE = re.compile(r"\d\s*(?:[-—–－~～]|至|到)\s*\d")


def _alternatives(words: tuple[str, ...]) -> str:
    """A regex alternation of `words`, longest first so that 大约 wins over 约."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_APPROX_PREFIX_RE = re.compile(rf"^(?:{_alternatives(_APPROX_BEFORE)})(?=[\d.])")
_APPROX_SUFFIX_RE = re.compile(
    rf"(?<=[^\d.,])(?:{_alternatives(_APPROX_AFTER)})$|(?<=\d)(?:{_alternatives(_APPROX_AFTER)})(?=\D|$)"
)
# 近 in a note only when no period follows: 近两年 / 近一年 are periods, not hedges
_NOT_NEAR = tuple(w for w in _APPROX_BEFORE if w != "近") + _APPROX_AFTER
_APPROX_NOTE_RE = re.compile(rf"{_alternatives(_NOT_NEAR)}|近(?![一二两三四五六七八九十\d]+[年月期个])")
_LOWER_BOUNDS_SUFFIX = ("及以上", "以上")
_LOWER_BOUNDS_PREFIX = ("不少于", "不低于", "至少", "超过", "逾")
# 150余家 / 150多家 / 300多万元: more than the number, which is the bound (after NFKC)
_LOWER_BOUND_INFIX_RE = re.compile(r"^(\d[\d,.]*)\s*[余多](?![\d])")
_CURRENCY_PREFIX = ("人民币", "RMB", "rmb", "CNY", "¥", "¥", "￥")
_NUMBER_RE = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<exp>[eE][+-]?\d{1,3})?(?P<unit>.*)$",
    re.ASCII | re.DOTALL,
)
_MAX_DIGITS = 30
# the period a figure is for: 2025年, 2025年末, 2025年度, 2025全年, 截至2025年12月31日 (after NFKC)
PERIOD = (
    r"(?:截至|截止|至)?(?P<y>(?:19|20)\d{2})(?:年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?)?"
    r"(?P<w>末|底|度|初|全年)?|(?P<w2>全年|年度))"
)
_PERIOD_RE = re.compile(rf"^{PERIOD}$")
# ... written before the figure: 2025年末：260万元, 截至2025年12月31日，260万元, 2025年130家 (a year,
# then at once the figure, or an approximation of it); a lone year (2025年) is no figure
_PERIOD_PREFIX_RE = re.compile(rf"^{PERIOD}\s*(?:[:,;]\s*|(?=[\d.]|约|大约|近|将近|接近))")
# the period said relative to the form (上年末：320万元): the one a 申请表 asks for, a note
_RELATIVE_PREFIX_RE = re.compile(r"^(?:上一?年末|上一?年度|上年|本年末|年末|期末|全年)[:,;]")


def parse_number(raw: object, unit: str, default_unit: str | None = None) -> float:
    """A number in `unit` (a fact key's unit such as `万元`, `家`, `%`).

    `default_unit` is the unit a bare number is taken to be in (the label's bracketed
    unit); without it a bare number is already in `unit`.
    """
    target_dim, target_factor = unit_info(unit)
    if isinstance(raw, bool) or raw is None or isinstance(raw, date | time | timedelta):
        raise ValueParseError(_not_a_number(raw))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ValueParseError("不是有效的数值")
        number, written_unit = _decimal(repr(raw) if isinstance(raw, float) else str(raw)), ""
    else:
        number, written_unit = _parse_number_text(_as_text(raw), unit)
    source_unit = written_unit or default_unit or unit
    source_dim, source_factor = _source_unit(source_unit, target_dim, unit)
    if source_dim != target_dim:
        raise ValueParseError(f"单位“{source_unit}”与要求的单位“{unit}”不符")
    if target_dim == "percent" and not written_unit and 0 <= number <= 1:
        number *= 100  # a fraction: 0.85 → 85 %
    try:
        value = float(number * source_factor / target_factor)
    except (DecimalException, OverflowError) as exc:
        raise ValueParseError("数值超出范围") from exc
    if not math.isfinite(value):
        raise ValueParseError("数值超出范围")
    return value


def _scales_in_use() -> dict[str, frozenset[Decimal]]:
    """Dimension → the factors the vocabulary's number keys are kept in (money: 万元, 亿元)."""
    vocabulary = vocab.get()
    cached = _SCALES.get(vocabulary.digest)
    if cached is None:
        found: dict[str, set[Decimal]] = {}
        for fk in vocabulary.facts.values():
            if fk.kind == "number" and fk.unit and is_unit(fk.unit):
                dimension, factor = unit_info(fk.unit)
                found.setdefault(dimension or "", set()).add(factor)
        cached = _SCALES[vocabulary.digest] = {d: frozenset(f) for d, f in found.items()}
    return cached


_SCALES: dict[str, dict[str, frozenset[Decimal]]] = {}


def has_several_scales(unit: str) -> bool:
    """True for a unit whose dimension the forms write at more than one scale: money, kept in
    万元 for 资产总额 and in 亿元 for 融资总额, and written by people in 元 as well. A bare number
    of such a key says nothing of its scale. Counts, areas and shares have one scale."""
    if not is_unit(unit):
        return False
    dimension = unit_info(unit)[0] or ""
    return len(_scales_in_use().get(dimension, ())) > 1


def scale_inferred(key: str, raw: object, default_unit: str | None = None) -> bool:
    """True when `raw`, read for `key`, is a bare number whose scale nobody wrote: no unit in the
    value, none in the label or beside it (`default_unit`), and the key's unit is one of several
    scales in use (`has_several_scales`). Such a value is read in the key's unit by convention
    only, and its evidence is `unit_inferred`: a reviewer confirms 元, 万元 or 亿元."""
    fk = vocab.get().facts.get(key)
    if fk is None or fk.kind != "number" or not fk.unit or default_unit or not has_several_scales(fk.unit):
        return False
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int | float):
        return True
    if not isinstance(raw, str):
        return False
    try:
        return _parse_number_text(_as_text(raw), fk.unit)[1] == ""
    except ValueParseError:
        return False


def other_scales(unit: str) -> list[tuple[str, float]]:
    """The other scales a bare amount kept in `unit` may have been written in, with the factor
    that turns such a reading into `unit`: for 万元, [("元", 0.0001), ("亿元", 10000.0)]."""
    if not has_several_scales(unit):
        return []
    dimension, own = unit_info(unit)
    names: dict[Decimal, str] = {Decimal(f): u for u, (d, f) in reversed(_BASE_UNITS.items()) if d == dimension}
    for fk in vocab.get().facts.values():
        if fk.kind == "number" and fk.unit and is_unit(fk.unit) and unit_info(fk.unit)[0] == dimension:
            names.setdefault(unit_info(fk.unit)[1], normalize(fk.unit))
    return [(names[f], float(f / own)) for f in sorted(names) if f != own]


def scale_apart(a: object, b: object) -> int | None:
    """4 or 8 when two amounts are exactly 10⁴ or 10⁸ apart (元 for 万元, 万元 for 亿元, 元 for
    亿元): the power of ten between them, else None."""
    try:
        x, y = abs(float(a)), abs(float(b))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not x or not y or not math.isfinite(x) or not math.isfinite(y):
        return None
    ratio = max(x, y) / min(x, y)
    return next((p for p in (4, 8) if abs(ratio - 10**p) <= 10**p * 1e-9), None)


def _not_a_number(raw: object) -> str:
    if isinstance(raw, bool):
        return "是“是/否”值，不是数值"
    if raw is None:
        return "空值"
    return "是日期或时间，不是数值"


def _source_unit(written: str, target_dim: str | None, unit: str) -> tuple[str | None, Decimal]:
    """Dimension and factor of the unit a value was written in; `万` alone borrows the key's."""
    dimension, factor = unit_info(written)
    if dimension is None:  # a bare multiplier: 320万 for a 万元 key is 320 万元
        if target_dim == "percent":
            raise ValueParseError(f"单位“{written}”与要求的单位“{unit}”不符")
        dimension = target_dim
    return dimension, factor


_EXAMPLES = {"万元": "320万元", "%": "85%", "平方米": "150平方米", "亿元": "2.5亿元"}


def _hedge_kind(word: str) -> str:
    """What a hedging word leaves of the figure, for the message."""
    if word in _UPPER_BOUND_WORDS:
        return "只给出上限，含"
    if word in _RANGE_WORDS:
        return "是一个范围，含"
    return "含估计用语"


def _parse_number_text(text: str, unit: str = "万元") -> tuple[Decimal, str]:
    """(number, unit as written) from normalised text; `unit` picks the example of the message."""
    written = text
    text, note_unit, notes, _ = _number_part(text)
    if _RANGE_RE.search(text):
        raise ValueParseError(f"“{written}”是一个范围，不是确切数字：请填写确切数字")
    for hedge in _HEDGES:  # in a note too: `320万元（不足）` is no figure
        if hedge in text or hedge in notes:
            raise ValueParseError(f"“{written}”{_hedge_kind(hedge)}“{hedge}”，请填写确切数字")
    match = _NUMBER_RE.match(text)
    if match is None:
        example = _EXAMPLES.get(unit, f"25{unit}")
        raise ValueParseError(f"“{text}”不是数字（请用阿拉伯数字填写，如 {example}）")
    digits = match["num"].replace(",", "")
    if len(digits) > _MAX_DIGITS:
        raise ValueParseError("数字位数过多")
    number = _decimal(match["sign"] + digits + (match["exp"] or ""))
    written_unit = match["unit"] or note_unit
    if written_unit and not _is_unit_text(written_unit):
        if re.search(r"[0-9]", written_unit):
            raise ValueParseError(f"“{text}”含有多个数字，无法确定取值")
        raise ValueParseError(f"“{text}”的单位“{written_unit}”无法识别")
    return number, written_unit


# A bracketed note closing the value (after NFKC: （）→ (), 【】 and 〔〕 stay as they are)
_NOTE_TAIL_RE = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]$")


def _number_part(text: str) -> tuple[str, str, str, bool]:
    """(the number with its unit, a unit a note states, the notes and the period written before
    it, whether it is written as an approximation) of a normalised value text."""
    text, note_unit, notes = _strip_notes(text)
    if period := _PERIOD_PREFIX_RE.match(text) or _RELATIVE_PREFIX_RE.match(text):  # 2025年末：260万元
        text, notes = text[period.end() :], notes + period[0]  # the date is a note
    text, approximate = _strip_approximate(text)
    if _APPROX_NOTE_RE.search(notes):  # 320万元（预计）: an estimate, read as one
        approximate = True
        notes = _APPROX_NOTE_RE.sub("", notes)
    return _strip_affixes(text), note_unit, notes, approximate


def _strip_approximate(text: str) -> tuple[str, bool]:
    """`约130家` → (`130家`, True); `人民币约320万元`, `130家左右`, `130左右`; else (text, False)."""
    head = next((p for p in _CURRENCY_PREFIX if text.startswith(p)), "")
    body = text[len(head) :]
    prefix = _APPROX_PREFIX_RE.match(body)
    if prefix:
        body = body[prefix.end() :]
    suffix = _APPROX_SUFFIX_RE.search(body)
    if suffix:
        body = body[: suffix.start()] + body[suffix.end() :]
    return head + body, bool(prefix or suffix)


def states_approximate(raw: object) -> bool:
    """True for a number written as an approximation (`约130家`, `130家左右`, `近150家`,
    `320万元（预计）`), read as the number written: a check it decides is for review."""
    if not isinstance(raw, str) or not raw.strip():
        return False
    try:
        text, _, _, approximate = _number_part(normalize(raw))
    except ValueParseError:
        return False
    return approximate and _NUMBER_RE.match(text) is not None


def period_of(raw: object) -> str | None:
    """The period a written figure states, as written: `2025年末` of `2025年末：260万元`,
    `截至2025年12月31日` of `截至2025年12月31日，260万元`, `2025年` of `260万元（2025年）`."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = normalize(raw)
    if period := _PERIOD_PREFIX_RE.match(text):
        return period[0].rstrip(":,;")
    notes = _strip_notes(text)[2]
    for note in re.findall(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]", notes):
        if _PERIOD_RE.match(note):
            return note
    return None


def period_parts(text: str) -> tuple[int, int | None, int | None, str] | None:
    """(year, month, day, word) of a period as `period_of` gives it (`2025年末` → 2025, None, None,
    末; `截至2025年6月30日` → 2025, 6, 30, ""); None for anything else."""
    m = _PERIOD_RE.match(normalize(text))
    if m is None:
        return None
    month, day = (int(m["m"]) if m["m"] else None), (int(m["d"]) if m["d"] else None)
    return int(m["y"]), month, day, m["w"] or m["w2"] or ""


def _strip_notes(text: str) -> tuple[str, str, str]:
    """(the value without the bracketed notes after it, a unit a lone note states, the notes).

    `320万元(经审计)` → `320万元`; `3,200,000(元)` → (`3,200,000`, `元`): a bracket holding
    nothing but a unit is that unit. A text that is all brackets is left as it is.
    """
    unit, notes = "", ""
    while (m := _NOTE_TAIL_RE.search(text)) and m.start() > 0:
        inner = m.group()[1:-1]
        text, notes = text[: m.start()], m.group() + notes
        if inner and _is_unit_text(inner):
            unit = inner
    return text, unit, notes


def _strip_affixes(text: str) -> str:
    for prefix in _CURRENCY_PREFIX + _LOWER_BOUNDS_PREFIX:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    for suffix in _LOWER_BOUNDS_SUFFIX:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    text = _LOWER_BOUND_INFIX_RE.sub(r"\1", text)
    return text.rstrip(".。整")


def states_lower_bound(raw: object) -> bool:
    """True for a number written as a lower bound only: `150家以上`, `不少于150家`, `150余家`,
    `150多家`, `超过150家` (read as 150; the figure may be any above it)."""
    if not isinstance(raw, str) or not raw.strip():
        return False
    text = _strip_notes(normalize(raw))[0]
    for prefix in _CURRENCY_PREFIX:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    bounded = (
        text.startswith(_LOWER_BOUNDS_PREFIX)
        or text.endswith(_LOWER_BOUNDS_SUFFIX)
        or _LOWER_BOUND_INFIX_RE.match(text) is not None
    )
    # a number must be what is bounded: 大专及以上 and 不低于中级 are words, not floors
    return bounded and _NUMBER_RE.match(_strip_affixes(text)) is not None


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except DecimalException as exc:
        raise ValueParseError(f"“{text}”不是数字") from exc
    if not number.is_finite() or abs(number.adjusted()) > 60:
        raise ValueParseError("数值超出范围")
    return number


# ---------------------------------------------------------------------------
# dates

_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN = (date(1950, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (date(2100, 12, 31) - _EXCEL_EPOCH).days
_YEAR_MIN, _YEAR_MAX = 1900, 2100
_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号]?)?$", re.ASCII),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?$", re.ASCII),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})(?:/(?P<d>\d{1,2}))?$", re.ASCII),
    re.compile(r"^(?P<y>\d{4})\.(?P<m>\d{1,2})(?:\.(?P<d>\d{1,2}))?$", re.ASCII),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$", re.ASCII),
)
_TIME_TAIL_RE = re.compile(r"(?:T|(?<=\d))\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", re.ASCII)


def parse_date(raw: object, *, year: bool = False) -> date:
    """A calendar date from an Excel date, an Excel serial number or text.

    `year`: a year alone (`2017年`, `2017`, `二〇一七年`) is read as its 1st of January, to be kept
    at year precision (`names_year_only`); otherwise it is no date.
    """
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool) or raw is None or isinstance(raw, time | timedelta):
        raise ValueParseError("不是日期")
    if year and names_year_only(raw):
        return _make_date(str(_year_only(raw)), "1", None)
    if isinstance(raw, int | float):
        return _date_from_number(raw)
    text, match = _date_text_match(raw)
    if match:
        return _make_date(match["y"], match["m"], match["d"])
    raise ValueParseError(f"“{text}”不是可识别的日期（请写成 2019年3月15日 或 2019-03-15）")


# a year alone: 2017年, 2017, 二〇一七年 (a 成立日期 written to the year)
_YEAR_ONLY_RE = re.compile(r"^(\d{4})年?$", re.ASCII)
_CN_YEAR_RE = re.compile(r"^([〇零○O0一二三四五六七八九]{4})年$")


def _year_only(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        ok = math.isfinite(raw) and float(raw).is_integer() and _YEAR_MIN <= raw <= _YEAR_MAX
        return int(raw) if ok else None
    if not isinstance(raw, str):
        return None
    text = normalize(raw).rstrip(".")
    if m := _YEAR_ONLY_RE.match(text):
        return int(m[1]) if _YEAR_MIN <= int(m[1]) <= _YEAR_MAX else None
    if m := _CN_YEAR_RE.match(text):
        return int("".join(str(_CN_DIGITS[c]) for c in m[1]))
    return None


def names_year_only(raw: object) -> bool:
    """True for a date written as a year alone (`2017年`, `2017`, `二〇一七年`): parse_date(year=True)
    reads it as 1 January, a day and month nobody wrote."""
    return _year_only(raw) is not None


def _date_text_match(raw: object) -> tuple[str, re.Match[str] | None]:
    """(the text of a written date, the pattern it matches, if any): one reading for both callers."""
    text = _TIME_TAIL_RE.sub("", _as_text(raw)).rstrip(".")
    written = _arabic_date(text) or text
    return text, next((m for p in _DATE_PATTERNS if (m := p.match(written))), None)


# 二〇一九年三月十五日, as a signed document dates itself: the year digit by digit, month and day
# as numbers (十五, 二十一, 三十)
_CN_DATE_RE = re.compile(r"^([〇零○O0一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月(?:([一二三四五六七八九十]{1,3})[日号])?$")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "0": 0}


def _arabic_date(text: str) -> str | None:
    """`二〇一九年三月十五日` → `2019年3月15日`; None for anything else (or a 十 misplaced)."""
    m = _CN_DATE_RE.match(text)
    if m is None:
        return None
    year = "".join(str(_CN_DIGITS[c]) for c in m[1])
    parts = [_cn_number(m[2]), _cn_number(m[3]) if m[3] else 0]
    if None in parts:
        return None
    return f"{year}年{parts[0]}月" + (f"{parts[1]}日" if m[3] else "")


def _cn_number(text: str) -> int | None:
    """一 … 九, 十, 十五, 二十, 三十一: a month's or a day's number."""
    head, ten, tail = text.partition("十")
    if not ten:
        return _CN_DIGITS.get(text) or None  # one digit, not 〇
    high = 1 if head == "" else _CN_DIGITS.get(head)
    low = 0 if tail == "" else _CN_DIGITS.get(tail)
    return None if not high or low is None else high * 10 + low


def names_no_day(raw: object) -> bool:
    """True for a date written to the month only (`2019年9月`, `2019.03`, 2019.03 typed as a number).

    parse_date reads such a date as the 1st; a form should print it as the person wrote it.
    """
    if isinstance(raw, float) and not isinstance(raw, bool) and _YEAR_MIN <= raw < _YEAR_MAX + 1:
        return len(repr(raw).partition(".")[2]) in (1, 2) and not raw.is_integer()
    if not isinstance(raw, str):
        return False
    match = _date_text_match(raw)[1]
    return match is not None and match["d"] is None


def _date_from_number(raw: float) -> date:
    if not math.isfinite(raw):
        raise ValueParseError("不是日期")
    if _SERIAL_MIN <= raw <= _SERIAL_MAX:
        return _EXCEL_EPOCH + timedelta(days=int(raw))
    if float(raw).is_integer() and 19000101 <= raw <= 21001231:  # 20190315
        text = str(int(raw))
        return _make_date(text[:4], text[4:6], text[6:])
    if isinstance(raw, float) and _YEAR_MIN <= raw < _YEAR_MAX + 1 and not raw.is_integer():
        return _dotted_number_date(raw)
    if float(raw).is_integer() and _YEAR_MIN <= raw <= _YEAR_MAX:
        raise ValueParseError(f"只有年份“{int(raw)}”，缺少月、日")
    raise ValueParseError(f"数字“{raw}”不是可识别的日期")


def _dotted_number_date(raw: float) -> date:
    """2019.03 typed into a number cell: year 2019, month 3 (2019.0315 → 15 March)."""
    year, _, frac = repr(raw).partition(".")
    if len(frac) == 1:
        if frac == "1":
            raise ValueParseError(f"“{raw}”无法确定是1月还是10月，请写成 2019年10月")
        return _make_date(year, frac, None)
    if len(frac) == 2:
        return _make_date(year, frac, None)
    if len(frac) in (3, 4):
        return _make_date(year, frac[:2], frac[2:].ljust(2, "0"))
    raise ValueParseError(f"数字“{raw}”不是可识别的日期")


def _make_date(year: str, month: str, day: str | None) -> date:
    y, m, d = int(year), int(month), int(day) if day else 1
    if not _YEAR_MIN <= y <= _YEAR_MAX:
        raise ValueParseError(f"年份“{y}”不合理")
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise ValueParseError(f"日期不存在：{y}年{m}月{d}日") from exc


# ---------------------------------------------------------------------------
# booleans

_TRUE = {"是", "有", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "对", "已", "具备", "属于"}
_FALSE = {
    "否",
    "无",
    "没有",
    "×",
    "✗",
    "✘",
    "n",
    "no",
    "false",
    "0",
    "不是",
    "不属于",
    "未",
    "不具备",
}
_CHECKED = "☑■✓√✔☒●▣"
_UNCHECKED = "□☐○"
_BOX_RE = re.compile(rf"([{_CHECKED}{_UNCHECKED}])(是|否|有|无)")
_NOTE_RE = re.compile(r"[(\[【].*[)\]】]$")


def parse_bool(raw: object) -> bool:
    """是/否, 有/无, √/×, Y/N, yes/no, True/False, 1/0, and ticked boxes (`☑是 □否`)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if raw in (0, 1):
            return bool(raw)
        raise ValueParseError(f"“{raw}”不是“是/否”")
    text = _as_text(raw)
    boxes = _BOX_RE.findall(text)
    if boxes:
        return _ticked(text, boxes)
    token = _NOTE_RE.sub("", text).rstrip(".。").lower()
    if token in _TRUE:
        return True
    if token in _FALSE:
        return False
    raise ValueParseError(f"“{text}”不是“是/否”（请填 是 或 否）")


def _ticked(text: str, boxes: list[tuple[str, str]]) -> bool:
    ticked = {word for box, word in boxes if box in _CHECKED}
    if len(ticked) != 1:
        raise ValueParseError(f"“{text}”应只勾选一项")
    return ticked.pop() in ("是", "有")


# ---------------------------------------------------------------------------
# lists

_EMPTY_LIST = {"", "无", "没有", "暂无", "/", "-", "—", "——", "无。"}
_ITEM_SPLIT_RE = re.compile(r"[\n\r、，,；;]+")
_NUMBERING = r"(?:[0-9]{1,2}[.、)）]|[(（][0-9]{1,2}[)）]|[①-⑳])"
_ITEM_NUMBER_RE = re.compile(rf"^{_NUMBERING}\s*")
_LINE_NUMBER_RE = re.compile(rf"(?m)^[ \t\u3000]*{_NUMBERING}")
_BARE_NUMBER_RE = re.compile(r"^[0-9]{1,2}$")


def parse_list(raw: object, split_spaces: bool = False) -> list[str]:
    """Items separated by newlines, 、，,；; (and spaces when `split_spaces`); 无 → []."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return [item for x in raw for item in parse_list(x, split_spaces)]
    if isinstance(raw, bool | date | time | timedelta):
        raise ValueParseError("不是文字列表")
    if isinstance(raw, int | float):
        return [_number_text(raw)]
    if not isinstance(raw, str):
        raise ValueParseError(f"无法识别的值类型：{type(raw).__name__}")
    parts = _split_items(_LINE_NUMBER_RE.sub("", raw))
    if split_spaces:
        parts = [p for part in parts for p in re.split(r"[ \t\u3000]+", part)]
    items = [_ITEM_NUMBER_RE.sub("", p.strip(" \t\u3000。.")).strip() for p in parts]
    return [item for item in items if item not in _EMPTY_LIST and not _BARE_NUMBER_RE.match(item)]


_OPEN, _CLOSE = "（(【[《“", "）)】]》”"


def _split_items(text: str) -> list[str]:
    """`text` cut at the list separators outside brackets and quotes: `省级示范平台（2023年，
    豫工信〔2023〕12号）` is one item, not `省级示范平台（2023年` and `豫工信〔2023〕12号）`.
    A line break always ends an item (an unclosed bracket must not swallow the next line)."""
    if not any(ch in _OPEN for ch in text):
        return _ITEM_SPLIT_RE.split(text)
    parts, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in "\n\r" or (depth == 0 and _ITEM_SPLIT_RE.match(ch)):
            parts.append(text[start:i])
            start, depth = i + 1, 0
    parts.append(text[start:])
    return parts


def _number_text(raw: float) -> str:
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e16:
        return str(int(raw))
    return str(raw)


# ---------------------------------------------------------------------------
# by fact key


def parse_text(raw: object) -> str:
    """Text as written (trimmed); numbers lose Excel's `.0`, dates become ISO dates."""
    if raw is None:
        raise ValueParseError("空值")
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ValueParseError("不是有效的值")
        return _number_text(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, date | time):
        return raw.isoformat()
    if not isinstance(raw, str):
        raise ValueParseError(f"无法识别的值类型：{type(raw).__name__}")
    text = raw.strip()
    if not text:
        raise ValueParseError("空值")
    return text


def parse_value(key: str, raw: object, default_unit: str | None = None) -> tuple[Any, str | None]:
    """(value, unit) for a fact key, by the key's kind; counts come back as int.

    `default_unit` is the unit of a bare number (from the label, `资产总额（元）`).
    """
    fk = vocab.get().facts[key]
    if fk.kind == "number":
        unit = fk.unit or ""
        value = parse_number(raw, unit, default_unit)
        _plausible(value, unit)
        if unit_info(unit)[0] in _COUNT_DIMENSIONS:
            return _count(value), unit
        return value, unit
    if fk.kind == "date":  # a year alone is the year (precision: year), as 成立日期 is often written
        return parse_date(raw, year=True), None
    if fk.kind == "bool":
        return parse_bool(raw), None
    if fk.kind == "list":
        if key == "functions_declared":
            return [_function_name(item) for item in parse_list(raw, split_spaces=True)], None
        return parse_list(raw), None
    text = parse_text(raw)
    if key == "credit_code":
        from pingtai_cli.intake.sources.uscc import clean_code

        text = clean_code(text)
    return text, None


def _plausible(value: float, unit: str) -> None:
    """No form fact is negative, and no share is above 100 %: such a value is a typing error."""
    if value < 0:
        raise ValueParseError(f"不能为负数（{value:g}{unit}），请核对")
    if unit == "%" and value > 100:
        raise ValueParseError(f"比例不能超过100%（{value:g}%），请核对")


_FUNCTION_SUFFIX_RE = re.compile(r"(?:服务)?(?:功能)?$")


def _function_name(item: str) -> str:
    """`信息服务功能` / `信息服务` → `信息`: the short names the spec lists (信息, 技术, 创业 …)."""
    return _FUNCTION_SUFFIX_RE.sub("", item) or item


def _count(value: float) -> int:
    if not value.is_integer():
        raise ValueParseError(f"“{value:g}”不是整数")
    return int(value)
