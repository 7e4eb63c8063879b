"""Regional economic-hardship standards (法律援助法第三十四条) as typed data: `RegionStandard`.

The table lives in `data/regions.json` (derived from the sourced shared table; every figure with
its source and date). Each region has versions with `effective_from`/`effective_to`; the engine
takes the version in force on the application date. A region without a version in force falls
back to its parent (潍坊市 → 山东省), whose rule may have no figure (→ threshold unknown).

Formula types:
  fixed                    value yuan per person per month (上海 3190)
  dibao_multiple           multiplier × urban/rural 低保 (阿坝 2×, 山东 2× previous year)
  min_wage_multiple        multiplier × 最低工资 (浙江 floor, 南京)
  disposable_income_share  share × last year's urban per-capita disposable income / 12 (广东 50%);
                           a published local figure wins over the arithmetic (中山 2592, not 2591.5)
  low_income_standard      the local 低收入家庭 figure (北京, 杭州)
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.json"
# stored instead of the words of a region answer the table does not know: free text never becomes a
# region (it reaches tickets, notifications and the monthly report); the engine reads it as
# "a region we hold no figures for" (threshold unknown → staff check)
OTHER_REGION = "其他地区"
GROUPS = ("disabled", "elderly", "women", "minors", "migrant_workers")


# ---- schema of one region entry (the JSON file and the admin API share it) ----------------
# caps on admin edits (PUT /v1/admin/regions/{region}): several times the longest shipped value
Name = Annotated[str, Field(max_length=40)]


class Source(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: str = Field(min_length=1, max_length=300)
    url: str | None = Field(None, max_length=1000)
    path: str | None = Field(None, max_length=300)
    published: str | None = Field(None, max_length=40)


class Formula(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["fixed", "dibao_multiple", "min_wage_multiple", "disposable_income_share",
                  "low_income_standard"]
    value: float | None = Field(None, gt=0)
    multiplier: float | None = Field(None, gt=0)
    urban_dibao: float | None = Field(None, gt=0)
    rural_dibao: float | None = Field(None, gt=0)
    prior_year: bool = False
    min_wage: float | None = Field(None, gt=0)
    share: float | None = Field(None, gt=0, le=2)
    annual_urban_disposable_income: float | None = Field(None, gt=0)
    published_value: float | None = Field(None, gt=0)


class ExpenditureRule(BaseModel):
    share: float = Field(gt=0, le=2)
    comparison: Literal["<", "<=", "ambiguous"] = "<"
    citation: str | None = Field(None, max_length=300)


class StandardVersion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    formula: Formula
    group_multipliers: dict[str, float] | None = Field(None, json_schema_extra={   # as _known_groups checks
        "propertyNames": {"enum": list(GROUPS)}, "additionalProperties": {"type": "number", "exclusiveMinimum": 0}})
    expenditure_rule: ExpenditureRule | None = None
    comparison: Literal["<", "<=", "ambiguous"]
    wording: str = Field("", max_length=1000)
    asset_test: bool | None = None
    urban_dibao: float | None = None       # informative only (Guangdong: 低保 is not the standard)
    rural_dibao: float | None = None
    citation: str | None = Field(None, max_length=300)
    basis: str = Field("", max_length=3000)
    sources: list[Source] = Field(min_length=1, max_length=20)
    status: str = Field("unknown", max_length=60)
    uncertain: bool = True
    stale: bool = False

    @field_validator("group_multipliers")
    @classmethod
    def _known_groups(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        for name, mult in (value or {}).items():
            if name not in GROUPS:
                raise ValueError(f"unknown group '{name}' (known: {', '.join(GROUPS)})")
            if mult <= 0:
                raise ValueError(f"group multiplier for '{name}' must be positive")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> "StandardVersion":
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class RegionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: Literal["province", "city", "county"]
    parent: Name | None = None
    aliases: list[Name] = Field(default_factory=list, max_length=200)
    cities: list[Name] = Field(default_factory=list, max_length=500)
    legal_aid_centre: str = Field("", max_length=200)
    standards: list[StandardVersion] = Field(default_factory=list, max_length=100)


# ---- the resolved standard the engine uses ------------------------------------------------
def _frac(value: float | int | None) -> Fraction | None:
    # via str so 1.5 stays exactly 3/2
    return None if value is None else Fraction(str(value))


@dataclass(frozen=True)
class RegionStandard:
    """The economic-hardship standard in force for one accepting agency's region on one date."""
    region: str                      # region asked for (the accepting agency's location)
    source_region: str               # region whose entry supplied the standard (may be a parent)
    province: str                    # top-level jurisdiction (for local rules)
    version: StandardVersion

    @property
    def comparison(self) -> str:
        return self.version.comparison

    @property
    def citation(self) -> str | None:
        return self.version.citation

    @property
    def prior_year_basis(self) -> bool:
        return self.version.formula.prior_year

    @property
    def is_multiple_of_dibao(self) -> bool:
        return self.version.formula.type == "dibao_multiple"

    @property
    def base_multiplier(self) -> Fraction | None:
        return _frac(self.version.formula.multiplier)

    def multiplier_for(self, groups: set[str]) -> tuple[Fraction | None, str | None]:
        """The multiplier for this applicant: the largest group multiplier that applies, if any."""
        best, best_group = self.base_multiplier, None
        for group in sorted(groups):
            mult = _frac((self.version.group_multipliers or {}).get(group))
            if mult is not None and (best is None or mult > best):
                best, best_group = mult, group
        return best, best_group

    def splits_urban_rural(self) -> bool:
        f = self.version.formula
        return f.type == "dibao_multiple" and f.urban_dibao != f.rural_dibao

    def threshold(self, residence: str | None, multiplier: Fraction | None = None) -> Fraction | None:
        """Per-person monthly threshold in yuan, or None when no sourced figure gives one."""
        f = self.version.formula
        if f.type == "fixed":
            return _frac(f.value)
        if f.type == "low_income_standard":
            return _frac(f.value)
        if f.type == "disposable_income_share":
            if f.published_value is not None:
                return _frac(f.published_value)
            if f.annual_urban_disposable_income is None or f.share is None:
                return None
            return _frac(f.annual_urban_disposable_income) * _frac(f.share) / 12
        mult = multiplier if multiplier is not None else _frac(f.multiplier)
        if mult is None:
            return None
        if f.type == "min_wage_multiple":
            return None if f.min_wage is None else _frac(f.min_wage) * mult
        if residence not in ("urban", "rural"):
            return None
        dibao = f.urban_dibao if residence == "urban" else f.rural_dibao
        return None if dibao is None else _frac(dibao) * mult

    def expenditure_threshold(self) -> Fraction | None:
        """Guangdong's higher cap when spending exceeds income (粤府令第268号第三条第二项)."""
        rule, f = self.version.expenditure_rule, self.version.formula
        if rule is None or f.annual_urban_disposable_income is None:
            return None
        return _frac(f.annual_urban_disposable_income) * _frac(rule.share) / 12

    def describe(self, value: Fraction | None, *, multiplier: Fraction | None = None) -> dict:
        """The `threshold` object of the API: value, comparison, basis, source."""
        src = self.version.sources[0]
        out: dict[str, Any] = {
            "value": None if value is None else _money(value),
            "comparison": self.comparison,
            "basis": self.version.basis,
            "source": {"title": src.title, "url": src.url, "path": src.path,
                       "published": src.published, "region": self.source_region,
                       "effective_from": _iso(self.version.effective_from),
                       "uncertain": self.version.uncertain, "stale": self.version.stale},
        }
        if multiplier is not None:
            out["multiplier_of_dibao"] = float(multiplier)
        return out


def _money(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else round(float(value), 2)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class RegionTable:
    """All regions, with lookup by name/alias/city and date-based version choice."""
    entries: dict[str, RegionEntry]
    _names: dict[str, str] = field(default_factory=dict, repr=False)

    _own_names: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # a region's own names first, then the cities a province lists for fallback
        for key, entry in self.entries.items():
            for name in [key, _bare(key), *entry.aliases]:
                self._own_names.setdefault(name, key)
        self._names.update(self._own_names)
        for key, entry in self.entries.items():
            for name in entry.cities:
                self._names.setdefault(name, key)

    @classmethod
    def from_json(cls, raw: dict) -> "RegionTable":
        return cls({k: RegionEntry.model_validate(v) for k, v in raw["regions"].items()})

    @cached_property
    def names_longest_first(self) -> tuple[str, ...]:
        """The names `_names` knows of two characters or more, longest first (extract.find_region
        reads them for every message; the table is built once per change of the overrides)."""
        return tuple(n for n in sorted(self._names, key=len, reverse=True) if len(n) >= 2)

    def resolve(self, name: str | None) -> str | None:
        """'潍坊' / '潍坊市' / '寿光' → '潍坊市'; unknown → None."""
        if not name:
            return None
        name = name.strip()
        found = self._names.get(name) or self._names.get(_bare(name))
        if found is None:   # '潍坊市寿光市', '阿坝州汶川县': the most specific known name inside
            inside = [n for n in self._names if len(n) >= 2 and n in name]
            # Chinese addresses go from province to county: the rightmost, longest name is nearest
            found = self._names[max(inside, key=lambda n: (name.rfind(n) + len(n), len(n)))] if inside else None
        return found

    def resolve_entry(self, name: str) -> str | None:
        """The entry that `name` itself names (not a province that merely lists it as a city)."""
        name = name.strip()
        return self._own_names.get(name) or self._own_names.get(_bare(name))

    def chain(self, region: str) -> list[str]:
        out, seen = [], set()
        key: str | None = region
        while key and key in self.entries and key not in seen:
            out.append(key)
            seen.add(key)
            key = self.entries[key].parent
        return out

    def jurisdictions(self, region: str | None) -> list[str]:
        """The region and its parents, e.g. ['杭州市', '浙江省'] (for local rules)."""
        key = self.resolve(region)
        return self.chain(key) if key else []

    def centre(self, region: str | None) -> str:
        key = self.resolve(region)
        for name in self.chain(key) if key else []:
            if self.entries[name].legal_aid_centre:
                return self.entries[name].legal_aid_centre
        return "当地县（市、区）法律援助中心"

    def standard_for(self, region: str | None, on: dt.date) -> RegionStandard | None:
        key = self.resolve(region)
        if key is None:
            return None
        chain = self.chain(key)
        for name in chain:
            version = _in_force(self.entries[name].standards, on)
            if version is not None:
                return RegionStandard(region=key, source_region=name, province=chain[-1], version=version)
        return None


def _bare(name: str) -> str:
    for suffix in ("藏族羌族自治州", "自治州", "省", "市", "州", "县", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _in_force(versions: list[StandardVersion], on: dt.date) -> StandardVersion | None:
    """The latest version whose [effective_from, effective_to] contains `on` (undated = always)."""
    candidates = [v for v in versions
                  if (v.effective_from is None or v.effective_from <= on)
                  and (v.effective_to is None or on <= v.effective_to)]
    if not candidates:
        return None
    return max(candidates, key=lambda v: v.effective_from or dt.date.min)


def load_base_regions(path: Path = DATA_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
