"""The rulesets document themselves: cited, verbatim, well-coded, and covered by cases.

Also the loader's promises: unknown keys rejected with file:line, `extends:` inheritance,
and user directories (--rulesets-dir, PINGTAI_RULESETS_DIR) shadowing shipped rulesets.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from jurisdictions import code_prefix, keys, policy_file, ruleset_file, shipped_keys
from pingtai_cli.core.errors import RulesetError
from pingtai_cli.engine.cases import run_case
from pingtai_cli.engine.derive import derive
from pingtai_cli.rules.cases import RuleCase, case_dossier, load_cases
from pingtai_cli.rules.files import LEVEL_RANK, readme_path, shipped
from pingtai_cli.rules.kinds import kind_of
from pingtai_cli.rules.schema import (
    RULESETS_ENV,
    Rule,
    Ruleset,
    available,
    cited_items,
    load_file,
    load_ruleset,
    quote_in_text,
    squash,
    unquoted,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "rulesets"
SHIPPED = keys()  # discovered: every jurisdiction folder (tests/jurisdictions.py)
ARTICLE_RE = re.compile(r"^(第[一二三四五六七八九十百]+条(（[一二三四五六七八九十]+）)?|附件\d+)$")


def _ruleset(key: str) -> Ruleset:
    return load_ruleset(key)


def _policy_text(rs: Ruleset) -> str:
    return policy_file(rs.key).read_text(encoding="utf-8")


def _sections(rs: Ruleset) -> dict[str, tuple[str, list[Any]]]:
    """Section letter → the coded items of that section."""
    function_rules = [r for f in rs.functions.items for top in f.rules for r in top.walk()]
    return {
        "B": ("basic", [r for top in rs.basic for r in top.walk()]),
        "F": ("functions", function_rules),
        "X": ("exclusions", [r for top in rs.exclusions for r in top.walk()]),
        "M": ("materials", list(rs.materials)),
        "T": ("forms", list(rs.forms)),
        "P": ("procedure", list(rs.procedure)),
        "R": ("relaxations", list(rs.relaxations)),
    }


# ---------------------------------------------------------------- citations


@pytest.mark.parametrize("key", SHIPPED)
def test_every_quote_occurs_verbatim_in_the_policy_text(key: str) -> None:
    rs = _ruleset(key)
    missing = [f"{where}: {quote}" for where, quote in unquoted(rs, _policy_text(rs))]
    assert not missing, "未在政策原文中找到的引文：\n" + "\n".join(missing)


@pytest.mark.parametrize("key", SHIPPED)
def test_every_rule_cites_a_well_formed_article_and_a_quote(key: str) -> None:
    rs = _ruleset(key)
    bad = [
        f"{where}: article={item.article!r}"
        for where, item in cited_items(rs)
        if not ARTICLE_RE.match(item.article) or len(squash(item.quote)) < 4
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("key", SHIPPED)
def test_shipped_rulesets_quote_only_their_own_text(key: str) -> None:
    rs = _ruleset(key)
    assert [where for where, item in cited_items(rs) if item.source] == []


def test_quote_check_rejects_a_changed_number() -> None:
    text = _policy_text(_ruleset("liaoning"))
    assert quote_in_text("资产总额不低于100万元", text)
    assert not quote_in_text("资产总额不低于101万元", text)
    shaoguan = _policy_text(_ruleset("shaoguan"))
    # the text breaks the line inside this clause: 不低于\n\n50 万元
    assert quote_in_text("仅申报综合服务功能的平台资产总额不低于50万元", shaoguan)


@pytest.mark.parametrize("key", SHIPPED)
def test_every_ruleset_states_its_readings(key: str) -> None:
    assert len(_ruleset(key).readings) >= 3


@pytest.mark.parametrize("key", SHIPPED)
def test_the_jurisdiction_readme_lists_every_reading(key: str) -> None:
    readme = readme_path(ruleset_file(key)).read_text(encoding="utf-8")
    assert [r for r in _ruleset(key).readings if f"- {r}\n" not in readme] == []


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize("key", SHIPPED)
def test_codes_name_jurisdiction_and_section(key: str) -> None:
    rs = _ruleset(key)
    bad = []
    prefix = code_prefix(key)
    for letter, (section, items) in _sections(rs).items():
        pattern = re.compile(rf"^{prefix}-{letter}\d{{2}}$")
        bad += [f"{section}: {item.code}" for item in items if not pattern.match(item.code)]
    assert not bad, f"编号应为 {prefix}-<B|F|X|M|T|P|R><两位数字>：" + "、".join(bad)


def test_every_jurisdiction_has_its_own_code_prefix() -> None:
    prefixes = {key: code_prefix(key) for key in SHIPPED}
    shared = {p for p in prefixes.values() if list(prefixes.values()).count(p) > 1}
    assert shared == set(), {k: p for k, p in prefixes.items() if p in shared}


@pytest.mark.parametrize("key", SHIPPED)
def test_rule_names_are_unique_within_a_ruleset(key: str) -> None:
    names = [r.name for r in _ruleset(key).all_rules()]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_loader_rejects_a_malformed_code_and_says_the_format(tmp_path: Path) -> None:
    text = ruleset_file("liaoning").read_text(encoding="utf-8")
    bad = tmp_path / "liaoning.yaml"
    bad.write_text(text.replace("code: LN-B03", "code: LN-3", 1), encoding="utf-8")
    with pytest.raises(RulesetError) as err:
        load_file(bad)
    assert "LN-3" in str(err.value) and "XX-B01" in str(err.value)


# ---------------------------------------------------------------- cases


def _measurable(rs: Ruleset) -> list[Rule]:
    return [r for r in rs.all_rules() if not kind_of(r).qualitative]  # every kind pingtai decides


@pytest.mark.parametrize("key", SHIPPED)
def test_every_measurable_rule_has_a_passing_and_a_failing_case(key: str) -> None:
    rs = _ruleset(key)
    cases = load_cases(key)
    lacking = []
    for rule in _measurable(rs):  # in_area's negative is a review: outside is inferred, never proven
        statuses = {c.status for c in cases.get(rule.code, [])}
        lacking += [f"{rule.code} 缺少 {s} 用例" for s in kind_of(rule).outcomes if s not in statuses]
    assert not lacking, "\n".join(lacking)


@pytest.mark.parametrize("key", SHIPPED)
def test_cases_name_only_rules_that_exist(key: str) -> None:
    codes = {r.code for r in _ruleset(key).all_rules()}
    assert set(load_cases(key)) - codes == set()


@pytest.mark.parametrize("key", SHIPPED)
def test_case_names_are_unique(key: str) -> None:
    names = [c.name for cases in load_cases(key).values() for c in cases]
    assert sorted({n for n in names if names.count(n) > 1}) == []


@pytest.mark.parametrize("key", SHIPPED)
def test_every_relaxation_is_exercised_by_a_relaxable_case(key: str) -> None:
    rs = _ruleset(key)
    relaxable = [c for cases in load_cases(key).values() for c in cases if c.status == "relaxable"]
    unexercised = [
        r.code
        for r in rs.relaxations
        if not any(all(c.facts.get(f) is True for f in r.flags) for c in relaxable)
    ]
    assert unexercised == []


@pytest.mark.parametrize("key", SHIPPED)
def test_every_variant_is_exercised_on_both_sides(key: str) -> None:
    rs = _ruleset(key)
    cases = load_cases(key)
    missing = []
    for rule in rs.all_rules():
        for variant in rule.variants:
            holds = set()
            for case in cases.get(rule.code, []):
                fact = derive(case_dossier(case), case.as_of, ruleset=rs).get(variant.when.field)
                holds.add(fact is not None and fact.value == variant.when.equals)
            if holds != {True, False}:
                missing.append(f"{rule.code} 的 variant（{variant.when.field}）")
    assert missing == []


@pytest.mark.parametrize("key", SHIPPED)
def test_every_second_reading_with_a_value_is_shown_in_a_case(key: str) -> None:
    rs = _ruleset(key)
    cases = load_cases(key)
    missing = [
        r.code
        for r in rs.all_rules()
        if any(x.value is not None for x in r.readings)
        and not any(c.notes_contain for c in cases.get(r.code, []))
    ]
    assert missing == []


def test_a_case_with_an_unknown_fact_key_is_rejected(tmp_path: Path) -> None:
    shutil.copy(ruleset_file("liaoning"), tmp_path / "liaoning.yaml")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "liaoning.yaml").write_text(
        "LN-B03:\n  - name: 拼错字段名的用例\n    facts: {total_asset: 100}\n    status: pass\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesetError, match="total_asset"):
        load_cases("liaoning", tmp_path)


# ---------------------------------------------------------------- schema errors


def test_unknown_key_is_rejected_with_file_and_line(tmp_path: Path) -> None:
    text = ruleset_file("heilongjiang").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "- code: HL-B03")
    lines.insert(at + 1, "    threshold_value: 50")
    bad = tmp_path / "heilongjiang.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RulesetError) as err:
        load_file(bad)
    problems = err.value.problems
    assert any(
        p.startswith(f"heilongjiang.yaml:{at + 2}:") and "threshold_value" in p for p in problems
    ), problems
    assert "未知字段" in str(err.value)


def test_a_threshold_without_value_is_rejected(tmp_path: Path) -> None:
    text = ruleset_file("shaoguan").read_text(encoding="utf-8")
    bad = tmp_path / "shaoguan.yaml"
    bad.write_text(text.replace("    value: 150\n", "", 1), encoding="utf-8")
    with pytest.raises(RulesetError, match="check=threshold 需要字段: value"):
        load_file(bad)


def test_relaxable_by_must_name_a_relaxation_of_the_ruleset(tmp_path: Path) -> None:
    text = ruleset_file("national").read_text(encoding="utf-8")
    bad = tmp_path / "national.yaml"
    bad.write_text(
        text.replace("relaxable_by: [NA-R01]", "relaxable_by: [NA-R09]", 1), encoding="utf-8"
    )
    with pytest.raises(RulesetError, match="NA-R09"):
        load_file(bad)


# ---------------------------------------------------------------- extends and user directories


def test_county_example_extends_xuchang_and_changes_two_rules() -> None:
    weidu = load_ruleset("xuchang-weidu", EXAMPLES)
    xuchang = load_ruleset("xuchang")
    assert weidu.document.level == "county"
    assert weidu.area is not None and weidu.area.codes == ["411002"]
    assert weidu.rule("XC-B05").value == 30
    assert weidu.rule("XC-B01").allowed == ["魏都区"]
    # inherited unchanged
    assert (
        weidu.rule("XC-B08").value == 8
        and weidu.rule("XC-B08").readings == xuchang.rule("XC-B08").readings
    )
    assert [m.key for m in weidu.materials] == [m.key for m in xuchang.materials]
    assert weidu.functions.count.by_platform_type == {"综合性": 2, "专业性": 1}
    assert weidu.readings == xuchang.readings
    assert [r.code for r in weidu.exclusions] == ["XC-X01"]


def test_county_example_checks_registration_in_the_district() -> None:
    weidu = load_ruleset("xuchang-weidu", EXAMPLES)
    inside = RuleCase(name="魏都区注册", facts={"region": "河南省许昌市魏都区"}, status="pass")
    elsewhere = RuleCase(name="建安区注册", facts={"region": "河南省许昌市建安区"}, status="review")
    assert run_case(weidu, "XC-B01", inside).status == "pass"
    assert run_case(weidu, "XC-B01", elsewhere).status == "review"  # outside the district, inferred
    assets = RuleCase(name="资产35万元", facts={"total_assets": 35}, status="pass")
    assert run_case(weidu, "XC-B05", assets).status == "pass"
    assert run_case(load_ruleset("xuchang"), "XC-B05", assets).status == "fail"


def test_annual_notice_example_adds_materials_to_shaoguan() -> None:
    shipped = load_ruleset("shaoguan")
    year = load_ruleset("shaoguan-2026", EXAMPLES)
    assert shipped.materials == [] and shipped.materials_note is not None
    assert [m.key for m in year.materials] == [
        "application_report",
        "business_license",
        "audit_report",
        "premises_proof",
        "service_evidence",
        "authenticity_declaration",
    ]
    assert all(m.source and "示例" in m.source for m in year.materials)
    assert year.materials_note is not None and year.materials_note.source
    assert year.rule("SG-B11").value == 150  # conditions inherited
    assert year.document.in_force_until == shipped.document.in_force_until


def test_extends_of_an_unknown_parent_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "county.yaml").write_text(
        "key: county\nname: 某县\nextends: nowhere\n", encoding="utf-8"
    )
    with pytest.raises(RulesetError, match="nowhere"):
        load_ruleset("county", tmp_path)


def test_extends_cycle_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("key: a\nname: 甲\nextends: b\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("key: b\nname: 乙\nextends: a\n", encoding="utf-8")
    with pytest.raises(RulesetError, match="循环"):
        load_ruleset("a", tmp_path)


def _shadow(directory: Path, assets: int) -> None:
    text = ruleset_file("liaoning").read_text(encoding="utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "liaoning.yaml").write_text(
        text.replace("    value: 100\n", f"    value: {assets}\n", 1), encoding="utf-8"
    )


def test_rulesets_dir_shadows_a_shipped_ruleset(tmp_path: Path) -> None:
    _shadow(tmp_path, 90)
    assert available(tmp_path)["liaoning"] == tmp_path / "liaoning.yaml"
    assert load_ruleset("liaoning", tmp_path).rule("LN-B03").value == 90
    assert load_ruleset("liaoning").rule("LN-B03").value == 100


def test_environment_variable_shadows_a_shipped_ruleset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _shadow(tmp_path, 80)
    monkeypatch.setenv(RULESETS_ENV, str(tmp_path))
    assert load_ruleset("liaoning").rule("LN-B03").value == 80


def test_rulesets_dir_wins_over_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _shadow(tmp_path / "env", 80)
    _shadow(tmp_path / "flag", 70)
    monkeypatch.setenv(RULESETS_ENV, str(tmp_path / "env"))
    assert load_ruleset("liaoning", tmp_path / "flag").rule("LN-B03").value == 70


def test_environment_variable_adds_a_jurisdiction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RULESETS_ENV, str(EXAMPLES))
    found = list(available())
    assert found[: len(shipped_keys())] == shipped_keys()
    assert {"xuchang-weidu", "shaoguan-2026"} <= set(found)


# ---------------------------------------------------------------- layouts of a rulesets directory


def test_discovery_finds_every_folder_on_disk() -> None:
    """Parametrizing over a discovery that found nothing would run nothing, silently."""
    on_disk = {p.parent.name for p in (REPO / "rulesets").glob("*/ruleset.yaml")}
    assert on_disk and set(shipped_keys()) == on_disk and on_disk <= set(SHIPPED)


def test_shipped_jurisdictions_sit_in_one_folder_each() -> None:
    for key in shipped_keys():
        folder = ruleset_file(key).parent
        assert ruleset_file(key) == folder / "ruleset.yaml" and folder.name == key
        assert (folder / "cases.yaml").is_file() and (folder / "README.md").is_file()
        assert policy_file(key).parent == folder


def _user_copy(key: str, directory: Path, layout: str, assets: int) -> None:
    """A bureau's copy of a shipped ruleset with its cases, in the folder or the flat layout."""
    text = ruleset_file(key).read_text(encoding="utf-8").replace("    value: 100\n", f"    value: {assets}\n", 1)
    cases = (ruleset_file(key).parent / "cases.yaml").read_text(encoding="utf-8")
    if layout == "folder":
        (directory / key).mkdir(parents=True)
        (directory / key / "ruleset.yaml").write_text(text, encoding="utf-8")
        (directory / key / "cases.yaml").write_text(cases, encoding="utf-8")
    else:
        (directory / "cases").mkdir(parents=True)
        (directory / f"{key}.yaml").write_text(text, encoding="utf-8")
        (directory / "cases" / f"{key}.yaml").write_text(cases, encoding="utf-8")


@pytest.mark.parametrize("layout", ["folder", "flat"])
def test_a_user_directory_in_either_layout_shadows_with_its_cases_and_finds_the_text(
    layout: str, tmp_path: Path
) -> None:
    from cli_helpers import invoke, ok
    from pingtai_cli.rules.cases import cases_file

    _user_copy("liaoning", tmp_path, layout, 90)
    path = available(tmp_path)["liaoning"]
    assert path == (tmp_path / "liaoning" / "ruleset.yaml" if layout == "folder" else tmp_path / "liaoning.yaml")
    assert load_ruleset("liaoning", tmp_path).rule("LN-B03").value == 90
    assert cases_file("liaoning", tmp_path) is not None and cases_file("liaoning", tmp_path).is_relative_to(tmp_path)
    assert load_cases("liaoning", tmp_path) == load_cases("liaoning")
    out = ok("rules", "validate", str(path))  # the copy's quotes are checked against the shipped text
    assert "有效" in out and "未核对" not in out and "找不到" not in out
    # the copy's own cases run against the copy: the shipped case at 99.99万元 now passes at 90
    run = invoke("rules", "test", "liaoning", "--rulesets-dir", str(tmp_path))
    n = sum(len(c) for c in load_cases("liaoning").values())
    assert run.exit_code == 1 and f"用例 {n} 条" in run.output and "不通过 1 条" in run.output and "LN-B03" in run.output


@pytest.mark.parametrize("layout", ["folder", "flat"])
def test_a_county_extends_a_city_beside_it_in_either_layout(layout: str, tmp_path: Path) -> None:
    _user_copy("liaoning", tmp_path, layout, 90)
    county = "key: liaoning-mou\nname: 某县\nextends: liaoning\n"
    if layout == "folder":
        (tmp_path / "liaoning-mou").mkdir()
        (tmp_path / "liaoning-mou" / "ruleset.yaml").write_text(county, encoding="utf-8")
    else:
        (tmp_path / "liaoning-mou.yaml").write_text(county, encoding="utf-8")
    assert load_ruleset("liaoning-mou", tmp_path).rule("LN-B03").value == 90  # the copy beside it


def test_listing_order_is_derived_from_level_and_issue_date(tmp_path: Path) -> None:
    from pingtai_cli.rules.files import _order

    found = [load_ruleset(k) for k in shipped_keys()]
    ranks = [(LEVEL_RANK[rs.document.level], str(rs.document.issued)) for rs in found]
    assert ranks == sorted(ranks) and found[0].document.level == "national"
    # a new shipped folder takes its place by its header alone: no index file to edit
    for key, level, issued in (("aaa-city", "city", "2030-01-01"), ("zzz-prov", "province", "2000-01-01")):
        (tmp_path / key).mkdir()
        (tmp_path / key / "ruleset.yaml").write_text(
            f"key: {key}\ndocument:\n  # a comment\n  level: {level}\n  issued: {issued}\nbasic: []\n", encoding="utf-8")
    files = {**shipped(), "aaa-city": tmp_path / "aaa-city" / "ruleset.yaml", "zzz-prov": tmp_path / "zzz-prov" / "ruleset.yaml"}
    order = _order(tuple((str(p), 0.0) for p in files.values()))
    listed = sorted(order, key=order.__getitem__)
    assert listed.index("zzz-prov") < listed.index(found[1].key) and listed[-1] == "aaa-city"


def test_the_generated_readmes_are_current() -> None:
    """Each folder's README, the tables of rulesets/README.md and README.md: from the rulesets
    (scripts/sync_readings.py), so a new folder gets its rows and nobody types the keys."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sync_readings", REPO / "scripts" / "sync_readings.py")
    assert spec is not None and spec.loader is not None
    sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync)
    assert [str(p.relative_to(REPO)) for p in sync.stale()] == [], "运行 scripts/sync_readings.py"
    for key in shipped_keys():
        assert f"| `{key}` |" in (REPO / "README.md").read_text(encoding="utf-8")
