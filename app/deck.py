"""The DT Day deck as a use case: resolve the unit, check the edition and target, build
the slides from the dataset (and an own assessment's slide), write PPTX and briefing.

``python -m charts deck`` is a thin caller; its messages are the ``cli.*`` texts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from i18n import t

if TYPE_CHECKING:
    from charts.deck import Slide


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
    from charts.deck import slides
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
        deck = slides(ds, prov, code, year, lang, target, unit_set)
    except KeyError:
        raise DeckError(t("cli.no_dti", lang, province=province, year=year)) from None
    if internal:
        deck.append(_internal_slide(len(deck) + 1, internal, internal_year or year, lang))
    return deck


def _internal_slide(number: int, key: str, year: int, lang: str) -> Slide:
    from app.assessments import deck_inputs
    from charts.deck import internal_slide

    got = deck_inputs(key, year, lang)
    if got is None:
        raise DeckError(t("cli.internal_missing", lang, assessment=key, year=year))
    title, ranking, changes, prev_year = got
    return internal_slide(number, title, year, ranking, changes, lang, prev_year)


def write_deck(deck: list[Slide], out: Path, lang: str, briefing: Path | None = None) -> None:
    """The deck as PPTX at ``out`` (folders made) and, if asked, the one-page briefing."""
    from charts.briefing import briefing_docx
    from charts.export import build_deck, slide_images

    images = slide_images(deck)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_deck(deck, out, images, lang)
    if briefing is not None:
        briefing.write_bytes(briefing_docx(deck, lang, images[0]))
