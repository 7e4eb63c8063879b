"""Local statistics the compensation rules need, by region and year, each with its source and date.

The repo table is data/figures.json (national figures from ../shared/reference/statistics.md);
staff add or correct a region through the admin API, kept with an audit trail by the same
mechanism as the legal-aid standards (assistant/overlay.py). `FiguresBook.figure(name, region,
year)` answers a `FigureLookup` that says which region and year it really used, so the tool can
state it as an assumption when it fell back to the national figure or to another year."""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from assistant.overlay import AuditRow, OverlayStore
from assistant.tools.models import FigureAudit, FigureOverride

DATA_FILE = Path(__file__).resolve().parent / "data" / "figures.json"
NATIONAL = "全国"
FIGURES = {   # name → what it is (the compensation rules use the first two)
    "average_wage": "职工平均工资（年）",
    "urban_disposable_income": "城镇居民人均可支配收入（年）",
    "disposable_income": "居民人均可支配收入（年）",
    "rural_disposable_income": "农村居民人均可支配收入（年）",
    "average_wage_private": "城镇私营单位就业人员平均工资（年）",
}


class FigureSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=300)
    publisher: str | None = Field(None, max_length=100)
    url: str | None = Field(None, max_length=1000)
    published: str = Field(min_length=4, max_length=40)   # the publication date is required


class FigureRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    figure: Literal[tuple(FIGURES)]  # type: ignore[valid-type]
    year: int = Field(ge=1990, le=2100)
    annual: float = Field(gt=0, le=10_000_000)
    label: str = Field("", max_length=100)
    source: FigureSource
    checked: str | None = Field(None, max_length=1000)


class FigureRegion(BaseModel):
    """One region's entry (the JSON file and the admin API share it)."""
    model_config = ConfigDict(extra="forbid")
    level: Literal["national", "province", "city", "county"]
    aliases: list[str] = Field(default_factory=list, max_length=50)
    figures: list[FigureRow] = Field(default_factory=list, max_length=500)


@dataclass(frozen=True)
class FigureLookup:
    name: str
    region: str            # region whose figure was used
    year: int
    annual: Decimal
    row: FigureRow
    asked_region: str | None
    asked_year: int | None

    @property
    def monthly(self) -> Decimal:
        return self.annual / 12

    @property
    def fell_back(self) -> bool:
        return self.region != self.asked_region

    def describe(self) -> str:
        src = self.row.source
        return (f"{self.row.label or FIGURES[self.name]}：{self.region}{self.year}年 {_yuan(self.annual)} 元/年"
                f"（{src.publisher + '《' if src.publisher else '《'}{src.title}》，{src.published}发布）")


def load_base_figures(path: Path = DATA_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


class FiguresBook:
    def __init__(self, engine: Engine | None = None, base: dict | None = None):
        self._store = OverlayStore(engine, FigureOverride, FigureAudit)
        raw = base if base is not None else load_base_figures()
        # fail at start-up, not per request, on a bad file
        self._base = {k: FigureRegion.model_validate(v) for k, v in raw["regions"].items()}

    def regions(self) -> dict[str, FigureRegion]:
        table = dict(self._base)
        for region, entry in self._store.overrides().items():
            table[region] = FigureRegion.model_validate(entry)
        return table

    def resolve(self, name: str | None, table: dict[str, FigureRegion] | None = None) -> str | None:
        if not name or not name.strip():
            return None
        table = table if table is not None else self.regions()
        name = name.strip()
        for key, entry in table.items():
            if name == key or name in entry.aliases:
                return key
        for key in table:   # "上海" for "上海市", "广州" for "广州市"
            if key.rstrip("省市区县") == name.rstrip("省市区县"):
                return key
        return None

    def figure(self, name: str, region: str | None, year: int | None) -> FigureLookup | None:
        """The figure for the region (else the national one) in `year` (else the latest before it,
        else the latest there is)."""
        table = self.regions()
        for key in (self.resolve(region, table), NATIONAL):
            rows = [r for r in table[key].figures if r.figure == name] if key in table else []
            if not rows:
                continue
            rows.sort(key=lambda r: r.year)
            earlier = [r for r in rows if year is None or r.year <= year]
            row = (earlier or rows)[-1]
            return FigureLookup(name, key, row.year, Decimal(str(row.annual)), row, region, year)
        return None

    def entry(self, region: str) -> tuple[str, dict] | None:
        table = self.regions()
        key = self.resolve(region, table)
        return None if key is None else (key, table[key].model_dump(mode="json"))

    def put(self, region: str, entry: FigureRegion, actor: str) -> dict:
        key = self.resolve(region) or region.strip()
        new = entry.model_dump(mode="json")
        base = self._base.get(key)
        self._store.put(key, new, actor, base=base.model_dump(mode="json") if base else None)
        return {"region": key, **new}

    def audit(self, region: str | None = None, limit: int = 200) -> list[AuditRow]:
        key = (self.resolve(region) or region) if region else None
        return self._store.audit(key, limit)


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f}"
