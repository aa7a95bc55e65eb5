"""Report content for the layout fixtures: a source gold (measures, scores, document facts) and the
short prose quoted from the report's TXT (scripts/layouts/sources.json), plus the wording the
layouts add (scripts/layouts/fillers.json)."""
import json
from dataclasses import dataclass
from pathlib import Path

from .periods import digits

HERE = Path(__file__).resolve().parent
FILLERS = json.loads((HERE / "fillers.json").read_text(encoding="utf-8"))


@dataclass
class Report:
    stem: str
    gold: dict
    title: list[str]
    body: list[str]
    before_table: list[str]
    closing: list[str]
    digits: str          # thai | arabic
    tool_from: str | None  # column | text | None

    @property
    def measures(self) -> list[dict]:
        return self.gold["measures"]

    @property
    def fiscal_year(self) -> int:
        return int(self.gold["fiscal_year"])

    def num(self, text: str) -> str:
        """Generated text in the report's digit style."""
        return digits(text, self.digits)


def load_sources(root: Path) -> dict[str, Report]:
    data = json.loads((HERE / "sources.json").read_text(encoding="utf-8"))
    out = {}
    for stem, s in data.items():
        if stem.startswith("_"):
            continue
        gold = json.loads((root / s["gold"]).read_text(encoding="utf-8"))
        out[stem] = Report(stem, gold, s["title"], s["body"], s["before_table"], s["closing"],
                           s["digits"], s["tool_from"])
    return out


def filler(kind: str, i: int, report: Report) -> str:
    """Row i's text for a column with no field (budget, target, KPI, remark)."""
    values = FILLERS[kind]
    return report.num(values[i % len(values)])
