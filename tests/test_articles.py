"""Finding an article's full text in the shipped policy texts (articles.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingtai_cli.outputs.explain import _entries, basis
from pingtai_cli.rules.articles import (
    cn_to_int,
    find_article,
    int_to_cn,
    parse_ref,
    policy_path,
    split_articles,
)
from pingtai_cli.rules.files import policy_dirs
from pingtai_cli.rules.schema import load_all, squash


def _text(source: str) -> str:
    """A shipped policy text by its file name, wherever its jurisdiction's folder is."""
    path = policy_path(source, policy_dirs())
    assert path is not None, source
    return path.read_text(encoding="utf-8")


def test_chinese_numerals_round_trip_from_1_to_199():
    assert [cn_to_int(int_to_cn(n)) for n in range(1, 200)] == list(range(1, 200))
    assert cn_to_int("二十八") == 28 and cn_to_int("十") == 10 and cn_to_int("一百零一") == 101


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("第十二条（一）", (12, 1)),
        ("第十二条(一)", (12, 1)),
        ("第十二条 （六）", (12, 6)),
        ("第二十八条", (28, None)),
        ("第十二条（十四）", (12, 14)),
        ("附件2", None),
    ],
)
def test_citations_parse_with_full_or_half_width_parentheses(ref, expected):
    assert parse_ref(ref) == expected


MIXED = """\
## 第一章 总 则

第一条 为了测试，制定本办法。
### 第二条 示范平台应同时具备以下基本条件：

(一) 资产总额不低于
50 万元。
（二）服务人员不少于10人。
第二条、第三条规定的条件可以放宽。
\u3000\u3000第三条\xa0 认定程序：
- (一)专家评审。
## 第二章 附 则
说明文字不属于第三条。
[bookmark: _GoBack]第四条 本办法自印发之日起施行。
附件：1. 推荐表
"""


def test_headings_in_every_format_start_articles_and_chapters_or_attachments_end_them():
    arts = split_articles(MIXED)
    assert sorted(arts) == [1, 2, 3, 4]
    assert arts[2].paragraphs == [
        "第二条 示范平台应同时具备以下基本条件：",
        "（一）资产总额不低于50 万元。",
        "（二）服务人员不少于10人。",
        "第二条、第三条规定的条件可以放宽。",
    ]
    assert arts[3].paragraphs == ["第三条 认定程序：", "（一）专家评审。"]
    assert arts[4].text == "第四条 本办法自印发之日起施行。"


def test_a_cited_item_is_located_inside_its_article(tmp_path: Path):
    policy = tmp_path / "p.txt"
    policy.write_text(MIXED, encoding="utf-8")
    article, index = find_article(policy, "第二条（二）")
    assert article.paragraphs[index].startswith("（二）服务人员")
    assert find_article(policy, "第九条") is None
    assert find_article(policy, "附件1") is None


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ("000_c16e21eba7034693.txt", 28),
        ("001_342920fe7ef945bb.txt", 28),
        ("002_2541a3d4311c5d86.txt", 20),
        ("003_e8ba8f325893c2db.txt", 19),
        ("004_f62ac9cdaa6411ec.txt", 16),
    ],
)
def test_every_article_of_each_shipped_text_is_found(source, count):
    arts = split_articles(_text(source))
    assert sorted(arts) == list(range(1, count + 1))
    assert not any("附件" in p[:4] for a in arts.values() for p in a.paragraphs)


def test_sentences_cut_by_page_breaks_are_joined_again():
    national = split_articles(_text("000_c16e21eba7034693.txt"))
    assert national[12].paragraphs[1].endswith("面向中小企业提供创业创新服务的企业。")
    heilongjiang = split_articles(_text("004_f62ac9cdaa6411ec.txt"))
    assert heilongjiang[5].paragraphs[0].endswith("具体服务功能如下：")


def test_every_quote_of_every_ruleset_lies_inside_the_article_it_cites():
    """The article text shown by `rules explain` really contains the clause the rule quotes."""
    problems = []
    for rs in load_all():
        for _, entry in _entries(rs):
            text = basis(rs, entry)["article_text"] or ""
            if squash(entry.quote) not in squash(text):
                problems.append(f"{entry.code} {entry.article}: {entry.quote[:30]}")
    assert problems == []
