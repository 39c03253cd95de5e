"""The DT Day deck as a use case: resolve the unit, check the edition and target, gather
what the slides state into a ``DeckData`` record (``deck_data``: the dataset through the
metrics functions) and draw it (``charts.deck.draw``), write PPTX and briefing.

``python -m charts deck`` is a thin caller; its messages are the ``cli.*`` texts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from domain.deck import DeckData, DeckSource, InternalData
from domain.profile import Profile
from domain.units import region_name
from i18n import t

if TYPE_CHECKING:
    from charts.deck import Slide
    from metrics.profile import DatasetLike


class DeckError(ValueError):
    """Invalid input, with the message (already in the caller's language)."""


def deck_slides(
    province: str | None,
    year: int,
    lang: str,
    target: int = 10,
    unit_set: str | None = "63",
    internal: str | None = None,
    internal_year: int | None = None,
) -> list[Slide]:
    """The slides of the DT Day deck for ``province`` in ``year``; DeckError if invalid.

    ``province`` None: the home province setting (DTI_HOME_PROVINCE), as its unit in
    ``unit_set``. ``unit_set`` None: the set ``year`` was published for ("63" when it has
    both), so ``--year 2025`` alone gives the 34-unit deck of a 34-only edition."""
    from app.dataset import load_dataset
    from data.provinces import UnknownProvinceError, resolve
    from data.settings import SettingError, home_province
    from metrics.editions import default_unit_set
    from metrics.provenance import provenance

    ds = load_dataset()
    if unit_set is None:
        unit_set = default_unit_set(ds.ranked, year)
    if province is None:
        try:
            province = home_province().name(unit_set)
        except SettingError as exc:
            raise DeckError(exc.message(lang)) from None
    try:
        code = resolve(province, unit_set)
    except UnknownProvinceError as exc:
        raise DeckError(
            t(
                "cli.unknown_province",
                lang,
                name=province,
                suggestions=", ".join(exc.suggestions) or "–",
            )
        ) from None
    part = ds.ranked[(ds.ranked["unit_set"] == unit_set) & (ds.ranked["indicator"] == "dti")]
    years = sorted({int(e) for e in part["edition"]})
    if year not in years:
        raise DeckError(
            t("cli.no_edition", lang, year=year, unit=unit_set, years=", ".join(map(str, years)))
        )
    n = int(part[part["edition"] == year]["score"].notna().sum())
    if not 1 <= target <= n:
        raise DeckError(t("cli.bad_target", lang, n=n))
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    try:
        data = deck_data(ds, prov, code, year, lang, target, unit_set)
    except KeyError:
        raise DeckError(t("cli.no_dti", lang, province=province, year=year)) from None
    if internal:
        data = replace(data, internal=_internal(internal, internal_year or year, lang))
    return draw(data)


def _internal(key: str, year: int, lang: str) -> InternalData:
    from app.assessments import deck_inputs

    got = deck_inputs(key, year, lang)
    if got is None:
        raise DeckError(t("cli.internal_missing", lang, assessment=key, year=year))
    title, ranking, changes, prev_year = got
    return internal_data(title, year, ranking, changes, prev_year)


def slides(
    ds: DatasetLike,
    prov: pd.DataFrame,
    code: str,
    edition: int,
    lang: str = "vi",
    target: int = 10,
    unit_set: str = "63",
    profile: Profile | None = None,
) -> list[Slide]:
    """The 8 DT Day slides for unit ``code`` in ``edition``: ``deck_data`` drawn."""
    return draw(deck_data(ds, prov, code, edition, lang, target, unit_set, profile))


def draw(data: DeckData) -> list[Slide]:
    from charts.deck import draw as draw_deck

    return draw_deck(data)


def deck_data(
    ds: DatasetLike,
    prov: pd.DataFrame,
    code: str,
    edition: int,
    lang: str = "vi",
    target: int = 10,
    unit_set: str = "63",
    profile: Profile | None = None,
) -> DeckData:
    """What the DT Day slides state for unit ``code`` in ``edition``; KeyError when the
    unit has no DTI there.

    ``prov`` is ``metrics.provenance.provenance`` output; ``profile`` may be passed when
    the caller has already built (and cached) ``build_profile`` with the same arguments."""
    from metrics.compare import rank_paths
    from metrics.method import provenance_shares
    from metrics.official import scores_complete, values_illustrative
    from metrics.profile import build_profile, peers
    from metrics.profile_views import adjacent, index_matrix, radar_frame, rank_ladder
    from metrics.trajectory import field_scores, trajectory

    edition = int(edition)
    p = (
        profile
        if profile is not None
        else build_profile(ds, code, edition, unit_set, target_rank=target, lang=lang)
    )
    fw = ds.frameworks[edition]
    units = ds.units[ds.units["unit_set"] == unit_set]
    ranked = ds.ranked[ds.ranked["edition"] <= edition]
    y = p.yoy
    split = y.prev_edition is not None and y.comparable and _has_split(y.contributions)
    pe = peers(ds.ranked, edition, unit_set, code)
    rivals = list(dict.fromkeys([code, *pe.above[:2], *pe.below[:2], *pe.region[:2]]))
    complete = scores_complete(ds.ranked, edition, unit_set)
    steps = rank_ladder(ds.ranked, edition, unit_set, code)
    shares = provenance_shares(prov)
    mine = shares[(shares["edition"] == edition) & (shares["unit_set"] == unit_set)]
    return DeckData(
        code=code,
        edition=edition,
        unit_set=unit_set,
        lang=lang,
        profile=p,
        framework=fw,
        labels={i.code: i.label(lang) for i in fw.indicators},
        names=dict(zip(units["province_code"], units["name"], strict=True)),
        region=region_name(p.region_code, lang),
        source=deck_source(prov, code, edition, unit_set),
        illustrative=values_illustrative(ds.values, unit_set, edition),
        trajectory=trajectory(ranked, prov, code, unit_set),
        field=field_scores(ranked, prov, unit_set),
        prev_score=(p.dti or 0) - (y.dti_change or 0) if split else None,
        top_contributions=sorted(y.contributions.items(), key=lambda kv: -abs(kv[1] or 0))[:3],
        index_matrix=None if split else index_matrix(ranked, code, unit_set),
        peer_paths=rank_paths(ranked, prov, rivals, unit_set),
        radar=radar_frame(ds.ranked, edition, unit_set, code, list(fw.inputs)),
        scores_complete=complete,
        ladder=steps if complete else steps.iloc[0:0],
        adjacent=adjacent(ds.ranked, edition, unit_set, code) if complete else None,
        shares=shares,
        own_shares=mine.iloc[0] if len(mine) else None,
    )


def _has_split(contributions: dict[str, float | None]) -> bool:
    return any(v is not None for v in contributions.values())


def deck_source(prov: pd.DataFrame, code: str, edition: int, unit_set: str) -> DeckSource:
    """The footer: the sources of the unit's own figures of the edition (what the slides
    state; not the sites of other provinces' figures) and the provenance of its DTI."""
    from metrics.method import unit_sources

    found = unit_sources(prov, code, edition, unit_set)
    own = prov[
        (prov["edition"] == edition)
        & (prov["unit_set"] == unit_set)
        & (prov["province_code"] == code)
        & (prov["indicator"] == "dti")
    ]
    kind = own["kind"].iloc[0] if len(own) and isinstance(own["kind"].iloc[0], str) else None
    rank_kind = None
    if "rank_kind" in own and len(own) and isinstance(own["rank_kind"].iloc[0], str):
        rank_kind = own["rank_kind"].iloc[0]
    return DeckSource(found, kind, rank_kind)


def internal_data(
    title: str,
    year: int,
    ranking: pd.DataFrame,
    changes: pd.DataFrame | None,
    prev_year: int | None = None,
    n_each: int = 3,
) -> InternalData:
    """The internal slide's record: the top and bottom ``n_each`` units of ``ranking``
    (``metrics.assessment.rank_units`` output) and the biggest gains in ``changes``
    (``metrics.assessment.change_vs_previous`` output, None when not comparable)."""
    from metrics.assessment import biggest_gains

    ranked = ranking.dropna(subset=["score"])
    shown = (
        ranked
        if len(ranked) <= 2 * n_each
        else pd.concat([ranked.head(n_each), ranked.tail(n_each)])
    )
    first = ranked[ranked["rank"] == ranked["rank"].min()]
    last = ranked.iloc[-1]
    gains = biggest_gains(changes) if changes is not None else pd.DataFrame()
    gains = gains[gains["score_change"] > 0] if len(gains) else gains
    top = first["score"].iloc[0]
    return InternalData(
        title=title,
        year=year,
        prev_year=prev_year,
        n=len(ranked),
        shown=shown,
        leaders=list(first["unit"]),
        leader_score=top,
        last_unit=last["unit"],
        last_score=last["score"],
        gap=top - last["score"],
        gains=gains,
    )


def internal_slide(
    number: int,
    title: str,
    year: int,
    ranking: pd.DataFrame,
    changes: pd.DataFrame | None,
    lang: str = "vi",
    prev_year: int | None = None,
    n_each: int = 3,
) -> Slide:
    """The province's own ranking as slide ``number`` (``internal_data`` drawn)."""
    from charts.deck import internal_slide as draw_internal

    data = internal_data(title, year, ranking, changes, prev_year, n_each)
    return draw_internal(number, data, lang)


def write_deck(deck: list[Slide], out: Path, lang: str, briefing: Path | None = None) -> None:
    """The deck as PPTX at ``out`` (folders made) and, if asked, the one-page briefing."""
    from charts.briefing import briefing_docx
    from charts.export import build_deck, slide_images

    images = slide_images(deck)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_deck(deck, out, images, lang)
    if briefing is not None:
        briefing.write_bytes(briefing_docx(deck, lang, images[0]))
