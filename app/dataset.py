"""One call that the app and the CLIs share: the store's current values, scored and ranked.

This is the only place where stored values meet the metrics; the page code and both
command-line tools call ``load_dataset`` so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from data.frameworks import Framework, frameworks
from data.provinces import UNIT_SETS, provinces, region_name, successor
from data.store import Store, load_published
from metrics.merger import pro_forma_series
from metrics.official import official_only, official_values
from metrics.provenance import kind_of, provenance_with_ranks
from metrics.ranking import rank_scores, year_on_year
from metrics.scoring import compute_scores


@dataclass(frozen=True)
class Dataset:
    values: pd.DataFrame  # tidy store rows (with source, version) + pro-forma 34-unit rows
    scores: pd.DataFrame  # every indicator, composites recomputed
    ranked: pd.DataFrame  # scores + ranks, percentile, region rank
    yoy: pd.DataFrame  # year-on-year change
    units: pd.DataFrame  # unit_set, province_code, name, region_code, region
    frameworks: dict[int, Framework]
    data_version: str
    figures: pd.DataFrame  # published and derived figures held (data/files/published.csv)
    pro_forma_editions: tuple[int, ...] = ()  # editions whose 34-unit set is pro-forma

    def provenance(self) -> pd.DataFrame:
        """Kind and source of every score and rank (``provenance_with_ranks``)."""
        return provenance_with_ranks(
            self.values, self.scores, self.ranked, self.frameworks, self.figures
        )

    # units_of results, built once per (unit set, language) of this dataset
    _units_of: dict[tuple[str, str], pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def units_of(self, unit_set: str, lang: str = "vi") -> pd.DataFrame:
        """The units of ``unit_set`` with region names in ``lang``; shared, do not mutate."""
        got = self._units_of.get((unit_set, lang))
        if got is None:
            got = self.units[self.units["unit_set"] == unit_set].copy()
            if lang != "vi":
                got["region"] = got["region_code"].map(lambda r: region_name(r, lang))
            self._units_of[unit_set, lang] = got
        return got


def units_table() -> pd.DataFrame:
    rows = [
        {
            "unit_set": s,
            "province_code": p.code,
            "name": p.name,
            "region_code": p.region_code,
            "region": region_name(p.region_code),
            "successor_code": p.successor_code,
        }
        for s in UNIT_SETS
        for p in provinces(s)
    ]
    return pd.DataFrame(rows)


def build_dataset(
    values: pd.DataFrame,
    data_version: str = "",
    fws: dict[int, Framework] | None = None,
    pro_forma: bool = True,
    figures: pd.DataFrame | None = None,
) -> Dataset:
    """Score and rank ``values``. With ``pro_forma``, every edition that has 63-province
    values but no stored 34-unit set gets the pro-forma 34-unit series (the merger rule,
    ``metrics.merger.pro_forma_series``), marked pro-forma."""
    fws = fws if fws is not None else frameworks()
    units = units_table()
    pf_editions: tuple[int, ...] = ()
    if pro_forma:
        succ = {p.code: successor(p.code) for p in provinces("63")}
        extra = pro_forma_series(values, fws, succ)
        if not extra.empty:
            values = pd.concat([values, extra], ignore_index=True)
            pf_editions = tuple(sorted({int(e) for e in extra["edition"]}))
    base = values[["edition", "unit_set", "province_code", "indicator", "value"]]
    scores = compute_scores(base, fws)
    ranked = rank_scores(scores, units)
    yoy = year_on_year(ranked, fws)
    figs = load_published() if figures is None else figures
    return Dataset(values, scores, ranked, yoy, units, dict(fws), data_version, figs, pf_editions)


def load_dataset(store: Store | None = None) -> Dataset:
    store = store or Store()
    store.seed_if_empty()
    return build_dataset(store.load_values(), store.data_version(), frameworks(store))


def official_view(ds: Dataset, prov: pd.DataFrame, published: pd.DataFrame) -> Dataset:
    """``ds`` with every value that is not published or uploaded blanked: the "official
    figures only" view. Charts then show gaps and tables "–" (see metrics.official)."""
    ranked = official_only(ds.ranked, prov, published)
    scores = ranked[list(ds.scores.columns)]
    values = official_values(ds.values, ds.values["source"].map(kind_of))
    yoy = year_on_year(ranked, ds.frameworks)
    # Its own version stamp, so caches keyed on data_version never mix the two views.
    version = f"{ds.data_version}:official"
    return replace(ds, values=values, scores=scores, ranked=ranked, yoy=yoy, data_version=version)
