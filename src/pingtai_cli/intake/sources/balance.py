"""资产总计 of a balance sheet, read in its unit context as auditors print it.

Auditors print bare numbers and state the unit once: a `单位：元` (or
`金额单位：人民币万元`) line above the table, a column header `期末余额（万元）`,
or, less often, a suffix on the cell itself (`1,250.00万元`). The unit nearest
the number wins: cell suffix, then column header, then the page's unit line.
With none of them the unit is inferred from the number's form (a balance sheet
in 元 prints `12,500,000.00`) and the value says so (`unit_inferred`): a
reviewer must confirm it.

The amount is taken from the 资产总计 row itself, in the column of the period
end: 期末余额 first is today's layout, but the old one prints 年初数 before
期末数, and some print two dates side by side (2024年12月31日 2025年12月31日);
the sheet's header row says which column is the period end. A leading small
integer is the 行次 (or 附注) column, a number followed by 年 is a date, and an amount
outside what an applicant's total assets can be (under 1000 元 or over 1000
亿元) is rejected rather than used. 负债和所有者权益总计 must equal 资产总计; when
they disagree the row read is kept and the disagreement is said.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

UNITS_IN_WAN = {"元": 1e-4, "千元": 1e-1, "万元": 1.0, "亿元": 1e4}
MIN_WAN, MAX_WAN = 0.1, 1e7  # 1000 元 … 1000 亿元: beyond either it is not a total of assets
AGREE = 0.005  # 资产总计 and 负债和所有者权益总计 agree within half a percent (rounding, OCR)

_UNIT = r"(亿元|万元|千元|元)"
# a line of the sheet: 单位：元 / 金额单位：人民币万元
_UNIT_LINE_RE = re.compile(rf"(?:金额|货币|计量)?单位\s*[:：]?\s*(?:人民币)?\s*{_UNIT}")
# in a column header: 期末余额（万元） / 年末数(单位:人民币元)
_HEADER_UNIT_RE = re.compile(rf"[(（]\s*(?:单位\s*[:：]?\s*)?(?:人民币)?\s*{_UNIT}\s*[)）]")
# words that make a row a header row, not an amount row
_HEADER_WORD_RE = re.compile(r"余额|金额|期末|年末|期初|年初|本期|上期|项目|行次|资产")


def _ocr(*words: str) -> str:
    """The words in this order as a scan reads them: OCR puts spaces between any two characters
    (资 产 总 计). A word written `总计|合计` is either."""
    return r"\s*".join("(?:" + "|".join(r"\s*".join(w) for w in word.split("|")) + ")" for word in words)


# 资产总计 (also 资产总额, 资产合计)
_ASSETS_RE = re.compile(_ocr("资产", "总计|总额|合计"))
# subtotals that contain 资产合计 but are not the total: 流动资产合计, 净资产合计 …
_NOT_TOTAL_RE = re.compile(_ocr("流动|非流动|其他|递延|净", "资产合计"))
# the other side of the sheet: 负债和所有者权益（或股东权益）总计
_EQUITY_RE = re.compile(
    _ocr("负债", "和|及|与", "所有者|股东", "权益") + r"\s*(?:[(（][^)）\n]{0,12}[)）])?\s*" + _ocr("总计|合计")
)
# a column of the header row, read left to right: the prior period (年初数, 期初余额, 上年年末余额,
# 上期) or the period end (期末余额, 年末数, 本期), or a date whose year says which (2025年12月31日);
# the prior-period words come first in the alternation, so 上年年末余额 is not read as 年末
_COLUMN_RE = re.compile(
    r"(?P<prior>上\s*年\s*年\s*末|上\s*年\s*末|上\s*年\s*度?|年\s*初|期\s*初|上\s*期)"
    r"|(?P<end>本\s*年\s*年\s*末|本\s*年\s*末|本\s*期\s*期\s*末|期\s*末|年\s*末|本\s*期|本\s*年)"
    r"|(?P<year>(?:19|20)\d{2})\s*年\s*(?:12\s*月\s*31\s*日|末|底|度)"
)
# an amount as printed: 1,250.00 / 12，500 / -3.5 / 800万元 (a trailing 年 marks a year, not an amount)
_NUMBER_RE = re.compile(
    rf"(?<![\d.,])-?(?:\d{{1,3}}(?:[,，]\d{{3}})+|\d+)(?:\.\d+)?(?![\d])(?:\s*{_UNIT})?(?:\s*年)?"
)


@dataclass(frozen=True)
class Amount:
    """One amount of a balance sheet in 万元, with how its unit was known."""

    wan: float
    written: str  # the number as printed
    unit: str  # the unit applied
    unit_from: str  # "cell" | "header" | "line" | "inferred"
    snippet: str

    @property
    def inferred(self) -> bool:
        return self.unit_from == "inferred"


@dataclass(frozen=True)
class BalanceTotal:
    """资产总计, and 负债和所有者权益总计 when the page shows it."""

    assets: Amount
    equity: Amount | None = None

    @property
    def agrees(self) -> bool | None:
        if self.equity is None:
            return None
        a, b = self.assets.wan, self.equity.wan
        return abs(a - b) <= AGREE * max(abs(a), abs(b))

    def problem(self) -> str | None:
        """A Chinese sentence when the two totals disagree, else None."""
        if self.agrees is not False or self.equity is None:
            return None
        return (
            f"资产负债表中资产总计（{_show(self.assets)}）与负债和所有者权益总计"
            f"（{_show(self.equity)}）不一致，按资产总计读取，请核对"
        )


def _show(amount: Amount) -> str:
    return f"{amount.written}{'' if amount.written.endswith('元') else amount.unit}"


def page_unit(text: str) -> tuple[str, str] | None:
    """(unit, "header" | "line") stated on the page for its table, or None."""
    for line in text.splitlines():
        if _HEADER_WORD_RE.search(line) and (m := _HEADER_UNIT_RE.search(line)):
            return m[1], "header"
    m = _UNIT_LINE_RE.search(text)
    return (m[1], "line") if m else None


def end_column(text: str) -> int:
    """Which amount column of a row is the period end: 0 unless the header row says otherwise.

    The header row is the nearest line above the 资产总计 row that names two or more periods
    (行次 and 附注 are not amount columns, and a row's leading row number is dropped before the
    index applies). A sheet laid out in two halves (资产 | 负债和所有者权益) repeats its periods;
    the index is within a half, as the 资产总计 and 负债和所有者权益总计 rows each start their
    own half's amounts. Two dates of one year, or no period end named, leave the first column.
    """
    lines = text.splitlines()
    total = next(
        (i for i, line in enumerate(lines) if _ASSETS_RE.search(line) and not _NOT_TOTAL_RE.search(line)),
        len(lines),
    )
    for line in reversed(lines[:total]):
        marks: list[object] = []
        for m in _COLUMN_RE.finditer(line):
            marks.append("prior" if m["prior"] else "end" if m["end"] else int(m["year"]))
        if len(marks) < 2:
            continue
        half = len(marks) // 2
        if len(marks) % 2 == 0 and marks[:half] == marks[half:]:
            marks = marks[:half]
        years = [y for y in marks if isinstance(y, int)]
        if years and len(years) == len(marks):  # dates: the latest is the period end
            return marks.index(max(years)) if len(set(years)) == len(years) else 0
        return marks.index("end") if "end" in marks else 0
    return 0


def _tokens(row: str) -> list[str]:
    """The numbers of a row as printed, a year (`2025年`) left out."""
    return [t for t in (m[0] for m in _NUMBER_RE.finditer(row)) if not t.rstrip().endswith("年")]


def _plain_small(token: str) -> bool:
    """A 行次 or 附注 number: a bare integer of at most three digits."""
    return re.fullmatch(r"\d{1,3}", token) is not None


def _formatted(token: str) -> bool:
    return bool(re.search(r"[,，.]|元$", token))


def _drop_row_numbers(tokens: list[str], row_column: bool = False) -> list[str]:
    """Leading 行次/附注 columns: a small bare integer before the amounts.

    `资产总计 38 12,500,000.00 11,800,000.00` starts with its row number; `资产总计 350 320`
    (万元, no 行次 column) does not: two bare integers are the two years' amounts. Where the
    table has a 行次 column, a lone small integer is its row number (the amount is unreadable).
    """
    while tokens and _plain_small(tokens[0]):
        rest = tokens[1:]
        if row_column or len(tokens) >= 3 or any(_formatted(t) for t in rest):
            tokens = rest
        else:
            break
    return tokens


def _amount(token: str, context: tuple[str, str] | None, snippet: str) -> Amount | None:
    """The token in 万元 under its unit context; None when implausible as total assets."""
    m = re.match(rf"(-?[\d,，]+(?:\.\d+)?)\s*{_UNIT}?", token)
    if not m:
        return None
    number = float(m[1].replace(",", "").replace("，", ""))
    if m[2]:
        unit, source = m[2], "cell"
    elif context:
        unit, source = context
    else:
        unit, source = ("元" if number >= 100_000 or _formatted(m[1]) and number >= 10_000 else "万元"), "inferred"
    wan = round(number * UNITS_IN_WAN[unit], 6)
    if not MIN_WAN <= wan <= MAX_WAN:
        return None
    return Amount(wan, token.strip(), unit, source, snippet)


def _row_amount(
    text: str, pattern: re.Pattern[str], context: tuple[str, str] | None, column: int = 0
) -> Amount | None:
    """The plausible amount in the period-end `column` of the row of a label (or the line after,
    for split cells); a row with fewer amounts (the prior period left blank) gives its last."""
    row_column = re.search(r"行\s*次|附\s*注", text) is not None
    for m in pattern.finditer(text):
        if pattern is _ASSETS_RE and _NOT_TOTAL_RE.search(text[max(0, m.start() - 6) : m.end()]):
            continue
        line_end = text.find("\n", m.end())
        line = text[m.end() : len(text) if line_end < 0 else line_end]
        tokens = _drop_row_numbers(_tokens(line), row_column)
        if not tokens and line_end >= 0:  # a text layer may put each cell on its own line
            nxt = text[line_end + 1 :].split("\n", 1)[0]
            if not re.search(r"[\u4e00-\u9fff]", re.sub(_UNIT, "", nxt)):
                tokens = _drop_row_numbers(_tokens(nxt), row_column)
        lo = text.rfind("\n", 0, m.start()) + 1
        snippet = " ".join(text[lo : m.end() + len(line)].split())[:80]
        for token in tokens[min(column, len(tokens) - 1) :][:1]:
            amount = _amount(token, context, snippet)
            if amount is not None:
                return amount
    return None


def balance_total(text: str) -> BalanceTotal | None:
    """资产总计 of a balance-sheet page's text (text layer or OCR lines), in its unit context."""
    text = unicodedata.normalize("NFKC", text)
    context = page_unit(text)
    column = end_column(text)
    assets = _row_amount(text, _ASSETS_RE, context, column)
    equity = _row_amount(text, _EQUITY_RE, context, column)
    if assets is None:
        return BalanceTotal(equity) if equity is not None else None
    return BalanceTotal(assets, equity)
