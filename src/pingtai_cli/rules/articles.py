"""Find an article's full text ("第十二条" … up to the next heading) in a shipped policy text.

The five texts come from different sources (a web page turned into markdown, a
Word export, a PDF), so headings look like `第十二条 `, `### 第十三条`,
`　　第二条  `, `[bookmark: _GoBack]第二十八条`, and items like `（一）` or
`(一) `. `rules explain` shows the article as the law states it, so this reader
tolerates all of those and re-joins lines that a page break cut in half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100}
_NUM = "零〇一二两三四五六七八九十百"
_SP = r"[\s\u3000\xa0]"
_PREFIX = rf"^{_SP}*(?:\[[^\]]*\]{_SP}*)*(?:#+{_SP}*)?(?:[-*•]{_SP}+)?"
# `第十二条` at the start of a line, not a cross-reference such as `第十二条、第十三条规定`.
# A PDF export spaces the characters out (`第 三 条`, `第 十 二 条`); the number is read without them.
_SPACED_NUM = rf"[{_NUM}](?:{_SP}*[{_NUM}])*"
ARTICLE_HEAD = re.compile(_PREFIX + rf"第{_SP}*({_SPACED_NUM}){_SP}*条(?![、，,和及或至规中所])")
CHAPTER_HEAD = re.compile(_PREFIX + rf"第{_SP}*{_SPACED_NUM}{_SP}*章")
# A page number a PDF export leaves between two lines of one clause: `— 3 —`, `- 4 -`, `第5页`, `5`.
PAGE_NUMBER = re.compile(rf"^{_SP}*(?:[-—–－]{_SP}*)*(?:\d+|第{_SP}*\d+{_SP}*页(?:{_SP}*共{_SP}*\d+{_SP}*页)?)(?:{_SP}*[-—–－])*{_SP}*$")
# Lines after the last article that are not part of it (attachments list, web-page footer).
END_MARKERS = re.compile(_PREFIX + r"(附件|附：|公开方式|抄送|扫一扫)")
ITEM_HEAD = re.compile(rf"^[（(]{_SP}*([{_NUM}]+){_SP}*[）)]{_SP}*")
REF = re.compile(rf"第([{_NUM}]+)条(?:{_SP}*[（(]([{_NUM}]+)[）)])?")
SENTENCE_END = tuple("。；;：:！!？?")


def cn_to_int(text: str) -> int:
    """二十八 → 28, 十二 → 12, 一百零一 → 101 (the numerals used for articles and items)."""
    total, digit = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"不是中文数字：{text!r}")
    return total + digit


def parse_ref(article: str) -> tuple[int, int | None] | None:
    """'第十二条（一）' → (12, 1); '第十三条' → (13, None); '附件2' → None."""
    m = REF.search(article)
    if not m:
        return None
    return cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else None


@dataclass
class Article:
    """One article as printed: the heading paragraph first, then its items and closing sentences."""

    number: int
    paragraphs: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"第{int_to_cn(self.number)}条"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    def item_index(self, item: int) -> int | None:
        """Index of the paragraph that starts with item (n), e.g. （三）."""
        for i, p in enumerate(self.paragraphs):
            m = ITEM_HEAD.match(p)
            if m and cn_to_int(m.group(1)) == item:
                return i
        return None


def int_to_cn(n: int) -> str:
    """28 → 二十八 (1–199)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + int_to_cn(rest) if rest < 10 else int_to_cn(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return digits[n // 100] + "百" + tail


def _clean(line: str) -> str:
    """Strip markdown and Word-export debris and normalise an item marker to （一）."""
    line = re.sub(rf"{_SP}+", " ", re.sub(_PREFIX, "", line)).strip()
    m = ITEM_HEAD.match(line)
    if m:
        line = f"（{m.group(1)}）" + line[m.end() :]
    return line


def _joins(previous: str, line: str) -> bool:
    """A line continues the previous one when a page or line break cut a sentence."""
    return not previous.endswith(SENTENCE_END) and not ITEM_HEAD.match(line) and not previous.endswith(("）", ")"))


def split_articles(text: str) -> dict[int, Article]:
    """Every article of a text by number; the first occurrence wins, numbers only go up."""
    articles: dict[int, Article] = {}
    current: Article | None = None
    for raw in text.splitlines():
        if PAGE_NUMBER.match(raw):
            continue
        head = ARTICLE_HEAD.match(raw)
        number = cn_to_int(re.sub(_SP, "", head.group(1))) if head else 0
        if head and number > max(articles, default=0):
            spaced = raw[head.start(): head.end()]  # `第 三 条` read as 第三条, so drafts and quotes see one form
            current = Article(number, [_clean(raw.replace(spaced, re.sub(_SP, "", spaced) + " ", 1))])
            articles[current.number] = current
            continue
        if current is None:
            continue
        if CHAPTER_HEAD.match(raw) or END_MARKERS.match(raw):
            current = None
            continue
        line = _clean(raw)
        if not line:
            continue
        if current.paragraphs and _joins(current.paragraphs[-1], line):
            current.paragraphs[-1] += line
        else:
            current.paragraphs.append(line)
    return articles


@lru_cache(maxsize=16)
def _split_file(path: str, mtime: float) -> dict[int, Article]:
    return split_articles(Path(path).read_text(encoding="utf-8"))


def policy_path(source_file: str, search: list[Path]) -> Path | None:
    """The policy text named by a ruleset header, looked up by bare file name (never a path)."""
    name = Path(source_file).name
    for d in search:
        for candidate in (d / name, d / "policies" / name):
            if candidate.is_file():
                return candidate
    return None


def find_article(path: Path, ref: str) -> tuple[Article, int | None] | None:
    """(article, index of the cited item's paragraph or None) for a citation like 第十二条（一）."""
    parsed = parse_ref(ref)
    if parsed is None:
        return None
    number, item = parsed
    article = _split_file(str(path), path.stat().st_mtime).get(number)
    if article is None:
        return None
    return article, article.item_index(item) if item is not None else None
