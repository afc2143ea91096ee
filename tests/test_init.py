"""`pingtai init`: the skeleton holds every input a jurisdiction's rules need, and reads back.

The expectations are computed here from the rulesets themselves (with the
derived-fact → input map written out independently of skeleton.py), so a rule
added to a ruleset without a form row fails these tests.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pingtai_cli import cli, vocab
from pingtai_cli.core.fmt import fmt
from pingtai_cli.intake.sources.uscc import check_char
from pingtai_cli.outputs.skeleton import (
    FORM_SHEET,
    MATERIALS_NAME,
    MATERIALS_SHEET,
    README_NAME,
    WORKBOOK_NAME,
    YEARLY_SHEET,
    build_skeleton,
    extends_example,
)
from pingtai_cli.rules.files import shipped
from pingtai_cli.rules.schema import Ruleset, available, load_ruleset

BY_KEY = vocab.get().facts
# The yearly table as spec §1.2 names its columns (the workbook init writes must carry them).
YEARLY_HEADERS = ("年度", "营业收入", "服务收入", "资产总额", "利润总额", "上缴税金", "服务中小企业数")
AS_OF = date(2026, 3, 15)
JURISDICTIONS = list(available())
OUR_FILES = {WORKBOOK_NAME, MATERIALS_NAME, README_NAME}

# The brief's map of derived facts to the form inputs they are computed from.
DERIVED_TO_INPUTS = {
    "operating_years": ("registration_date",),
    "full_calendar_years": ("registration_date",),
    "staff_qualified_ratio": ("staff_total", "staff_qualified"),
    "smes_growth": (),  # the yearly table
    "is_legal_person": ("org_type",),
    "functions_only_comprehensive": ("functions_declared",),
    "smes_growth_three_years": (),  # the yearly table
    "registered_area": ("region", "credit_code", "registered_address"),
    "renewal_at_term_end": ("is_renewal", "prior_recognitions"),
    "staff_qualified_ratio_both": ("staff_total",),  # and the staff list
}

cli._register()
runner = CliRunner()


def init(directory: Path, key: str, *extra: str) -> None:
    result = runner.invoke(
        cli.app,
        ["init", str(directory), "--jurisdiction", key, "--as-of", AS_OF.isoformat(), *extra],
    )
    assert result.exit_code == 0, (result.output, result.exception)


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point, for exit codes and the Chinese error on stderr."""
    return subprocess.run(
        [sys.executable, "-m", "pingtai_cli", *args], capture_output=True, text=True, timeout=120
    )


def form_rows(path: Path) -> dict[str, tuple[Any, Any, Any]]:
    """Label → (value, unit, hint) of the form sheet, columns found by their headers."""
    ws = load_workbook(path)[FORM_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "项目")
    at = {name: header.index(name) for name in ("填写内容", "单位", "说明")}
    return {
        r[0]: (r[at["填写内容"]], r[at["单位"]], r[at["说明"]])
        for r in rows[rows.index(header) + 1 :]
        if r[0] and r[at["说明"]]
    }


def inputs_needed(rs: Ruleset) -> set[str]:
    """Every form input the rules, relaxations and conditional materials of a ruleset test."""
    fields: set[str] = set()
    for rule in rs.all_rules():
        fields |= {rule.field} if rule.field else set()
        fields |= {v.when.field for v in rule.variants}
        fields |= {r.field for r in rule.readings if r.field}
    for relax in rs.relaxations:
        fields |= set(relax.flags)
    fields |= {m.when.field for m in rs.materials if m.when}
    if rs.functions.count.by_platform_type:
        fields.add("platform_type")
    return {i for f in fields for i in DERIVED_TO_INPUTS.get(f, (f,))}


@pytest.fixture(scope="module", params=JURISDICTIONS)
def made(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    directory = tmp_path_factory.mktemp(request.param) / "申报材料"
    init(directory, request.param)
    return request.param, directory


def test_every_shipped_jurisdiction_is_available() -> None:
    on_disk = {p.parent.name for p in (Path(__file__).resolve().parents[1] / "rulesets").glob("*/ruleset.yaml")}
    assert set(JURISDICTIONS) >= set(shipped()) == on_disk != set()


def test_init_creates_the_workbook_the_material_list_and_the_readme(made: tuple[str, Path]) -> None:
    key, directory = made
    assert {p.name for p in directory.iterdir()} == OUR_FILES
    readme = (directory / README_NAME).read_text("utf-8-sig")
    assert f"--jurisdiction {key}" in readme
    sheets = load_workbook(directory / WORKBOOK_NAME).sheetnames
    assert sheets == [
        FORM_SHEET,
        YEARLY_SHEET,
        "人员名单",
        "服务企业名单",
        "设备清单",
        "合作单位",
        MATERIALS_SHEET,
    ]


def test_the_form_has_a_row_for_every_input_the_rules_need(made: tuple[str, Path]) -> None:
    key, directory = made
    rs = load_ruleset(key)
    labels = set(form_rows(directory / WORKBOOK_NAME))
    needed = inputs_needed(rs) | {
        "org_name",
        "platform_name",
        "credit_code",
        "org_type",
        "registration_date",
        "region",
        "functions_declared",
    }
    missing = {k for k in needed if not set(BY_KEY[k].labels) & set(labels)}  # any synonym (办公场所面积)
    assert not missing, f"{key}: no form row for {sorted(missing)}"


def test_every_threshold_of_a_form_input_is_shown_with_its_article(made: tuple[str, Path]) -> None:
    key, directory = made
    rows = form_rows(directory / WORKBOOK_NAME)
    rs = load_ruleset(key)
    for rule in rs.all_rules():
        if rule.check != "threshold" or rule.field not in BY_KEY:
            continue
        label = next(x for x in BY_KEY[rule.field].labels if x in rows)  # the text's own label first
        _, unit, hint = rows[label]
        assert unit == BY_KEY[rule.field].unit
        assert f"{fmt(rule.value)}{rule.unit or ''}（{rule.article}）" in hint, (rule.code, hint)


def test_the_title_names_the_recognition_and_the_value_cells_are_empty(
    made: tuple[str, Path],
) -> None:
    key, directory = made
    ws = load_workbook(directory / WORKBOOK_NAME)[FORM_SHEET]
    assert ws["A1"].value == load_ruleset(key).document.recognition_title + "申请表"
    assert all(value is None for value, _, _ in form_rows(directory / WORKBOOK_NAME).values())


def test_yes_no_rows_offer_a_dropdown_of_是_否(made: tuple[str, Path]) -> None:
    _, directory = made
    ws = load_workbook(directory / WORKBOOK_NAME)[FORM_SHEET]
    lists = {
        str(c): dv.formula1 for dv in ws.data_validations.dataValidation for c in dv.sqref.ranges
    }
    bool_rows = [
        r[0].row
        for r in ws.iter_rows(min_row=4, max_col=1)
        if r[0].value in {fk.labels[0] for fk in BY_KEY.values() if fk.kind == "bool"}
    ]
    assert bool_rows
    assert all(lists.get(f"B{row}") == '"是,否"' for row in bool_rows)


def test_the_yearly_sheet_has_the_header_and_the_three_years_before_as_of(
    made: tuple[str, Path],
) -> None:
    _, directory = made
    ws = load_workbook(directory / WORKBOOK_NAME)[YEARLY_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(YEARLY_HEADERS)
    assert [r[0] for r in rows[header + 1 : header + 4]] == [2023, 2024, 2025]


def test_the_material_sheet_and_markdown_list_each_material_with_article_and_file_name(
    made: tuple[str, Path],
) -> None:
    key, directory = made
    rs = load_ruleset(key)
    ws = load_workbook(directory / WORKBOOK_NAME)[MATERIALS_SHEET]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] and str(r[0]).isdigit()]
    markdown = (directory / MATERIALS_NAME).read_text("utf-8")
    assert rs.document.title in markdown
    assert len(rows) == len(rs.materials)
    for row, req in zip(rows, rs.materials, strict=True):
        number, name, article, quote, requirement, file_name, status = row
        assert (name, article, quote, status) == (req.name, req.article, req.quote, None)
        assert f"| {number} | {name} | {article} |" in markdown
        if "previous_year" in req.validity:
            assert "2025" in requirement and "2025" in file_name
        if "seal" in req.validity:
            assert "加盖公章" in requirement


def test_a_suggested_file_name_is_recognised_as_its_material() -> None:
    materials = pytest.importorskip(
        "pingtai_cli.intake.materials", reason="material classifier not present"
    )
    for key in JURISDICTIONS:
        for m in build_skeleton(load_ruleset(key), AS_OF).materials:
            keys = [k for k, _ in materials.classify_name(m.file_name)]
            assert keys[:1] == [m.key], (key, m.file_name, keys)


def test_national_audit_report_is_suggested_as_03审计报告_of_the_previous_year() -> None:
    sk = build_skeleton(load_ruleset("national"), AS_OF)
    assert (
        next(m.file_name for m in sk.materials if m.key == "audit_report") == "03审计报告2025.pdf"
    )


def test_shaoguan_says_its_text_lists_no_materials_and_how_to_add_this_years_list(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "韶关"
    init(directory, "shaoguan")
    markdown = (directory / MATERIALS_NAME).read_text("utf-8")
    assert (
        "第九条" in markdown
        and "以当年申报通知为准" in markdown
        and "extends: shaoguan" in markdown
    )
    ws = load_workbook(directory / WORKBOOK_NAME)[MATERIALS_SHEET]
    assert any("第九条" in str(r[0]) for r in ws.iter_rows(min_row=4, values_only=True))

    # The example in the Markdown is a ruleset that loads and gives init a material list.
    example = re.search(r"```yaml\n(.*?)```", markdown, re.S)
    assert example is not None
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "shaoguan_2026.yaml").write_text(example.group(1), encoding="utf-8")
    second = tmp_path / "韶关2026"
    init(second, "shaoguan_2026", "--rulesets-dir", str(rules_dir))
    text = (second / MATERIALS_NAME).read_text("utf-8")
    assert "02审计报告2025.pdf" in text and "本办法未列出申报材料" not in text


def test_a_non_empty_folder_is_refused_with_exit_2_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "旧材料.pdf").write_bytes(b"%PDF-1.4 old")
    proc = run_main("init", str(tmp_path), "--jurisdiction", "national")
    assert proc.returncode == 2
    assert "不是空的" in proc.stderr and "--force" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["旧材料.pdf"]


def test_force_overwrites_only_the_files_init_creates(tmp_path: Path) -> None:
    (tmp_path / WORKBOOK_NAME).write_bytes(b"not a workbook")
    (tmp_path / "02营业执照副本.pdf").write_bytes(b"%PDF-1.4 licence")
    (tmp_path / "附件").mkdir()
    init(tmp_path, "liaoning", "--force")
    assert (tmp_path / "02营业执照副本.pdf").read_bytes() == b"%PDF-1.4 licence"
    assert (tmp_path / "附件").is_dir()
    assert load_workbook(tmp_path / WORKBOOK_NAME).sheetnames[0] == FORM_SHEET
    assert {p.name for p in tmp_path.iterdir()} == OUR_FILES | {
        "02营业执照副本.pdf",
        "附件",
    }  # no temp files left


def test_a_path_that_is_a_file_is_refused_with_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "申报材料"
    target.write_text("x")
    proc = run_main("init", str(target), "--jurisdiction", "national", "--force")
    assert proc.returncode == 2 and "不是文件夹" in proc.stderr
    assert target.read_text() == "x"


def test_an_unknown_jurisdiction_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    proc = run_main("init", str(tmp_path / "x"), "--jurisdiction", "beijing")
    assert proc.returncode == 2 and "未知的地区" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "evil.yaml").write_text(
        "key: evil\nname: 测试\nextends: national\nmaterials:\n"
        '  - code: NA-M01\n    name: \'=HYPERLINK("http://example.invalid","点我")\'\n',
        encoding="utf-8",
    )
    init(tmp_path / "out", "evil", "--rulesets-dir", str(rules_dir))
    import zipfile

    with zipfile.ZipFile(tmp_path / "out" / WORKBOOK_NAME) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in zf.read(n) for n in sheets)
    ws = load_workbook(tmp_path / "out" / WORKBOOK_NAME)[MATERIALS_SHEET]
    assert ws["B4"].value.startswith("=HYPERLINK") and ws["B4"].data_type == "s"


def test_extends_example_uses_the_rulesets_code_prefix() -> None:
    sk = build_skeleton(load_ruleset("shaoguan"), AS_OF)
    assert "code: SG-M01" in extends_example(sk)


# ---------------------------------------------------------------- round trip through the reader

HAS_READER = importlib.util.find_spec("pingtai_cli.intake.sources.excel") is not None
needs_reader = pytest.mark.skipif(
    not HAS_READER, reason="extract/excel.py (the workbook reader) is not written yet"
)

CREDIT_CODE = "91411002MA4K3L7P2" + check_char("91411002MA4K3L7P2")
# What a person types → what the reader must give, in the key's unit.
SAMPLES: dict[str, tuple[str, Any]] = {
    "org_name": ("许昌智造中小企业服务有限公司", "许昌智造中小企业服务有限公司"),
    "platform_name": ("许昌智造中小企业公共服务平台", "许昌智造中小企业公共服务平台"),
    "credit_code": (CREDIT_CODE, CREDIT_CODE),
    "org_type": ("企业法人", "企业法人"),
    "registration_date": ("2019年3月15日", date(2019, 3, 15)),
    "region": ("河南省许昌市魏都区", "河南省许昌市魏都区"),
    "registered_address": ("许昌市魏都区建设路88号", "许昌市魏都区建设路88号"),
    "legal_representative": ("王建国", "王建国"),
    "registered_capital": ("500万元", 500),
    "total_assets": ("320万元", 320),
    "service_area": ("1,200平方米", 1200),
    "staff_total": ("25人", 25),
    "staff_qualified": ("21", 21),
    "platform_type": ("综合性", "综合性"),
    "smes_served": ("１８０家", 180),
    "satisfaction_rate": ("92%", 92),
    "agencies_aggregated": ("6家", 6),
    "free_service_share": ("0.25", 25),
    "prior_recognitions": (
        "2023年 河南省中小企业公共服务示范平台",
        ["2023年 河南省中小企业公共服务示范平台"],
    ),
    "functions_declared": ("信息、技术、培训", ["信息", "技术", "培训"]),
    "info_offline_smes": ("160家", 160),
    "info_activities": ("10次", 10),
    "tech_activities": ("6次", 6),
    "startup_events": ("9", 9),
    "training_person_times": ("2,100人次", 2100),
    "financing_activities": ("12次", 12),
    "financing_amount": ("90000万元", 9),
    "guarantee_amount": ("35亿元", 35),
    "is_guarantee_institution": ("否", False),
    "financial_license": ("是", True),
    "financing_business_share": ("60%", 60),
    "small_agri_share": ("65%", 65),
    "is_renewal": ("否", False),
    "comprehensive_center": ("是", True),
    "western_region": ("否", False),
    "underdeveloped_region": ("否", False),
    "remote_or_poor_county": ("否", False),
    "social_org_sponsor": ("否", False),
    "key_industry_branch": ("否", False),
    "local_tax_paid": ("是", True),
    "authority_endorsed": ("否", False),
    "contact_person": ("李敏", "李敏"),
    "contact_phone": ("0374-2345678", "0374-2345678"),
    "email": ("limin@example.cn", "limin@example.cn"),
    "postal_code": ("461000", "461000"),
    "website": ("www.example.cn", "www.example.cn"),
    "mobile_phone": ("13903741234", "13903741234"),
    "fax": ("0374-2345679", "0374-2345679"),
    "recommending_unit": ("魏都区工业和信息化局", "魏都区工业和信息化局"),
    "owned_area": ("200平方米", 200),
    "rented_area": ("1,000", 1000),
    "qualifications": ("众创空间备案（许昌市科学技术局）", "众创空间备案（许昌市科学技术局）"),
    "government_support": ("2024年获专项资金30万元", "2024年获专项资金30万元"),
    "application_date": ("2026年3月1日", date(2026, 3, 1)),
}
SMES_BY_YEAR = {2023: 120, 2024: 150, 2025: 180}


def fill(path: Path) -> set[str]:
    """Type a sample into every value cell of an init workbook, as a person would; the keys filled."""
    wb = load_workbook(path)
    ws = wb[FORM_SHEET]
    by_label: dict[str, str] = {}
    for key, fk in BY_KEY.items():
        for label in fk.labels:
            by_label.setdefault(label, key)
    filled = set()
    for label_cell, value_cell in ws.iter_rows(min_row=4, max_col=2):
        key = by_label.get(label_cell.value)
        if key is not None:
            value_cell.value = SAMPLES[key][0]
            filled.add(key)
    yearly = wb[YEARLY_SHEET]
    column = YEARLY_HEADERS.index("服务中小企业数") + 1
    for row in yearly.iter_rows(min_row=1):
        if row[0].value in SMES_BY_YEAR:
            row[column - 1].value = f"{SMES_BY_YEAR[row[0].value]}家"
            row[YEARLY_HEADERS.index("资产总额")].value = "320"
    staff = wb["人员名单"]
    staff.append(["张伟", 35, "本科", "郑州大学", "高级工程师", "技术服务"])
    staff.append(["刘洋", 29, "大专", "许昌学院", "中级会计师", "财务"])
    wb["设备清单"].append(["三坐标测量机", 1, "2019年9月", 45.5, "是"])
    wb["合作单位"].append(["许昌某某合作单位有限公司"])  # the content column left empty
    wb.save(path)
    return filled


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return [str(x).strip() for x in actual] == expected
    if isinstance(expected, bool | str | date):
        return actual == expected
    return actual == pytest.approx(expected)


def read_back(path: Path) -> Any:
    from pingtai_cli.intake.sources.excel import read_workbook

    return read_workbook(path.read_bytes(), path.name)


@needs_reader
def test_a_filled_init_workbook_reads_back_every_value(
    made: tuple[str, Path], tmp_path: Path
) -> None:
    key, directory = made
    path = tmp_path / WORKBOOK_NAME
    path.write_bytes((directory / WORKBOOK_NAME).read_bytes())
    filled = fill(path)
    result = read_back(path)
    wrong = {
        k: (result.facts[k].value if k in result.facts else "(missing)", SAMPLES[k][1])
        for k in filled
        if k not in result.facts or not _same(result.facts[k].value, SAMPLES[k][1])
    }
    assert not wrong, f"{key}: {wrong}"
    assert result.facts["total_assets"].evidence.sheet == FORM_SHEET
    assert not [f.message for f in result.findings if f.severity == "error"]


@needs_reader
def test_a_filled_init_workbook_gives_the_yearly_table_and_the_staff_list(
    made: tuple[str, Path], tmp_path: Path
) -> None:
    _, directory = made
    path = tmp_path / WORKBOOK_NAME
    path.write_bytes((directory / WORKBOOK_NAME).read_bytes())
    fill(path)
    result = read_back(path)
    by_year = {row["year"]: row.get("smes_served") for row in result.yearly}
    assert {y: by_year.get(y) for y in SMES_BY_YEAR} == SMES_BY_YEAR
    assert [p["name"] for p in result.lists["staff"]] == ["张伟", "刘洋"]
    equipment = result.lists["equipment"]
    assert [(e["name"], e["purchase_date"], e["price"]) for e in equipment] == [
        ("三坐标测量机", "2019年9月", 45.5)  # 万元 from the header; the month as written
    ]
    assert [p["name"] for p in result.lists["partners"]] == ["许昌某某合作单位有限公司"]


@needs_reader
def test_an_unfilled_init_workbook_gives_no_values(made: tuple[str, Path]) -> None:
    _, directory = made
    result = read_back(directory / WORKBOOK_NAME)
    assert result.facts == {}
    assert result.findings == []  # no unit, note or section title taken for a value
    assert not any(result.lists.get(k) for k in ("staff", "served_smes", "equipment", "partners"))


def test_the_readme_is_not_taken_for_a_material_when_the_folder_is_checked(
    made: tuple[str, Path],
) -> None:
    materials = pytest.importorskip(
        "pingtai_cli.intake.materials", reason="material classifier not present"
    )
    _, directory = made
    text = (directory / README_NAME).read_text("utf-8-sig")
    assert materials.classify(README_NAME, [text]) == []


@needs_reader
def test_a_filled_init_dossier_leaves_no_condition_short_of_data(
    made: tuple[str, Path], tmp_path: Path
) -> None:
    from pingtai_cli.api import check_dossier

    key, directory = made
    dossier = tmp_path / "dossier"
    dossier.mkdir()
    (dossier / WORKBOOK_NAME).write_bytes((directory / WORKBOOK_NAME).read_bytes())
    fill(dossier / WORKBOOK_NAME)
    result = check_dossier(dossier, key, as_of=AS_OF, use_cache=False)
    conditions = result.conditions + result.exclusions
    conditions += [c for item in result.functions.items for c in item.conditions]
    assert [c.id for c in conditions if c.status == "missing"] == []


def test_force_replaces_a_symlinked_output_without_touching_its_target(tmp_path: Path) -> None:
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(b"someone else's file")
    directory = tmp_path / "dossier"
    directory.mkdir()
    (directory / WORKBOOK_NAME).symlink_to(outside)
    init(directory, "national", "--force")
    assert outside.read_bytes() == b"someone else's file"
    assert not (directory / WORKBOOK_NAME).is_symlink()
    assert load_workbook(directory / WORKBOOK_NAME).sheetnames[0] == FORM_SHEET


def test_a_text_not_in_force_on_the_date_is_flagged_in_the_readme() -> None:
    from pingtai_cli.outputs.skeleton import readme_text

    sk = build_skeleton(
        load_ruleset("shaoguan"), date(2028, 1, 1)
    )  # 第十九条: 有效期5年 from 2022-10-20
    assert not sk.in_force
    assert "不在有效期内" in readme_text(sk)
    assert "不在有效期内" not in readme_text(build_skeleton(load_ruleset("shaoguan"), AS_OF))
