"""Facts read from documents, one module per document kind, and checks across sources.

Each reader module (`licence.py`, `audit.py`, `credit_report.py`) names the material it reads
(`MATERIAL`, a key of vocab/materials.yaml) and has `read(pages, file) -> {fact_key: Fact}`;
`seal.py` reads the seal of any sealed material; `crosscheck.py` compares the sources. A new
document's facts (e.g. 纳税证明) are a new module here and its line in READERS.
"""

from __future__ import annotations

from pingtai_cli.intake.facts import audit, credit_report, licence
from pingtai_cli.intake.facts.common import Reader

READERS: dict[str, Reader] = {
    module.MATERIAL: module.read for module in (licence, audit, credit_report)
}
