"""The terminal report breaks Chinese as it is set: between characters, not only at spaces, never
before a closing mark nor after an opening one, and an article or a value stays on one line."""

from __future__ import annotations

from datetime import date

import pytest
from rich.cells import cell_len
from rich.text import Text

from pingtai_cli import check_dossier
from pingtai_cli.core.linebreak import NO_END, NO_START
from pingtai_cli.outputs.report.terminal import render_text
from pingtai_cli.outputs.report.wrap import wrap
from samples import SAMPLES

MESSAGE = (
    "确定满足 0 项，培训服务的可量化要求满足但尚有前提条件或读数待核实，要求至少 1 项"
    "（第七条：“省级平台应满足以下至少一项服务功能要求”）：核实后方可确认。"
)


@pytest.mark.parametrize("width", [17, 24, 40, 61])
def test_a_chinese_message_fills_each_line_and_keeps_every_character(width: int) -> None:
    lines = [line.plain for line in wrap(Text(MESSAGE), width)]
    assert "".join(lines).replace(" ", "") == MESSAGE.replace(" ", "")
    assert all(cell_len(line) <= width for line in lines)
    # rich broke only at spaces: `确定满足 0` alone on the first line, then a line of its own
    assert all(cell_len(line) >= width - 3 for line in lines[:-1]), lines
    assert not any(line[0] in NO_START for line in lines[1:]), lines
    assert not any(line[-1] in NO_END for line in lines), lines


def test_a_kept_span_moves_whole_to_the_next_line() -> None:
    text = Text("大专及以上学历和中级及以上技术职称专业人员占80%以上  第六条（五）")
    start = text.plain.index("第六条")
    lines = [line.plain for line in wrap(text, 58, ((start, start + 6),))]
    assert [line.plain for line in wrap(text, 58)][-1] == "第六条（五）"  # an article is kept unasked
    other = Text("大专及以上学历和中级及以上技术职称专业人员占80%以上  第六号文件附件")
    assert [line.plain for line in wrap(other, 58)][-1] == "号文件附件"  # other text: cut where the width ends
    assert lines[-1] == "第六条（五）", lines
    narrow = [line.plain for line in wrap(Text("第六条（五）"), 4, ((0, 6),))]  # wider than the line: broken inside
    assert "".join(narrow) == "第六条（五）" and all(cell_len(x) <= 4 and x[0] not in NO_START for x in narrow), narrow


@pytest.mark.parametrize(("sample", "key"), [("liaoning_eligible", "heilongjiang"), ("national_low_assets", "national"), ("xuchang_excluded", "xuchang")])
def test_the_terminal_report_breaks_no_article_and_starts_no_line_with_a_closing_mark(sample: str, key: str) -> None:
    # text dossiers (no OCR): the materials' long names, the readings' notes citing 第十二条（二）
    result = check_dossier(SAMPLES / sample, key, as_of=date(2026, 3, 15))
    for width in (60, 80):
        lines = [line.strip() for line in render_text([result], width=width, verbose=True).splitlines()]
        assert not [line for line in lines if line and line[0] in "，。、：；）」”"], width
        starts = [line for line in lines if line.startswith(("条（", "（一）", "（二）", "（三）", "（四）", "（五）", "（六）"))]
        assert starts == [], (width, starts)  # 第六条 | （五） split, or the article cut in two
