"""The document fact readers: one module per document, each registered for a material of the vocabulary."""

from __future__ import annotations

import pkgutil

import pingtai_cli.intake.facts as facts_pkg
from pingtai_cli import vocab
from pingtai_cli.intake.facts import READERS, audit, credit_report, licence

NOT_READERS = {
    "common",
    "crosscheck",
    "seal",
}  # shared helpers, cross-source checks, any sealed material


def test_every_reader_module_is_registered() -> None:
    """A new reader module (e.g. tax_certificate.py) left out of READERS would never run."""
    modules = {m.name for m in pkgutil.iter_modules(facts_pkg.__path__)} - NOT_READERS
    registered = {fn.__module__.rsplit(".", 1)[1] for fn in READERS.values()}
    assert modules == registered


def test_readers_are_keyed_by_materials_of_the_vocabulary() -> None:
    materials = vocab.material_catalogue()
    assert set(READERS) <= set(materials)
    assert {
        "business_license": licence.read,
        "audit_report": audit.read,
        "credit_report": credit_report.read,
    } == READERS


class _TextPages:
    """Pages of a text layer, for calling a reader without a file."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.count = self.total = len(texts)
        self.starts: dict[str, int] = {}
        self.refused: set[int] = set()
        self.problems: list[str] = []

    def text(self, index: int) -> str:
        return self.texts[index]

    head = text

    def is_scan(self, index: int) -> bool:
        return False


def test_each_reader_yields_only_fact_keys_of_the_vocabulary() -> None:
    known = set(vocab.get().facts) | set(vocab.get().documents)
    licence_text = (
        "营 业 执 照\n统一社会信用代码 91210102MA0XXXXX0X\n名    称  沈阳示范科技服务有限公司\n"
        "类    型  有限责任公司（自然人投资或控股）\n法定代表人 王建国\n成立日期 2015年03月12日\n"
    )
    audit_text = "审计报告\n我们审计了贵公司2025年12月31日的资产负债表\n资产总额为1,250.00万元\n"
    credit_text = "企业信用报告\n报告生成时间：2026年03月02日\n"
    found = (
        licence.read(_TextPages([licence_text]), "执照.pdf")
        | audit.read(_TextPages([audit_text]), "审计.pdf")
        | credit_report.read(_TextPages([credit_text]), "信用.pdf")
    )
    assert {
        "org_name",
        "legal_representative",
        "registration_date",
        "org_type",
        "audit_year",
        "total_assets",
        "report_date",
    } <= set(found)
    assert set(found) <= known
    assert found["total_assets"].value == 1250.0
    assert found["total_assets"].evidence.page == 1
    assert found["registration_date"].value.isoformat() == "2015-03-12"


def test_a_speck_ocr_reads_beside_a_name_is_no_part_of_it_nor_a_mismatch() -> None:
    """A faint licence photo read `名称 ·大连海创…`; the form's name was then 不一致 with it."""
    from datetime import date

    from builders import dossier
    from pingtai_cli.core.models import Evidence, Fact
    from pingtai_cli.engine.consistency import cross_check
    from pingtai_cli.rules.schema import load_ruleset

    for written in ("名称 ·大连海创中小企业服务有限公司", "名称：|大连海创中小企业服务有限公司.", "名称 大连海创中小企业服务有限公司"):
        found = licence.find_org_name(written)
        assert found is not None and found[0] == "大连海创中小企业服务有限公司", written
    d = dossier({"org_name": "大连海创中小企业服务有限公司"})
    lic = next(f for f in d.files if "business_license" in f.material_keys)
    lic.facts["org_name"] = Fact("org_name", "·大连海创中小企业服务有限公司", evidence=Evidence(lic.path, page=1, how="ocr"))
    findings = cross_check(d, load_ruleset("liaoning"), date(2026, 3, 15))
    assert not [f for f in findings if f.field == "org_name"]
    lic.facts["org_name"] = Fact("org_name", "·大连海川中小企业服务有限公司", evidence=Evidence(lic.path, page=1, how="ocr"))
    assert [f for f in cross_check(d, load_ruleset("liaoning"), date(2026, 3, 15)) if f.field == "org_name"]
