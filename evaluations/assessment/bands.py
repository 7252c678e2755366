"""Names of grades: a template band's own label, else the default label of the four default
codes, else the code itself; in the viewer's language, with the Chinese beside it."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

#: the default bands' codes → (label in the UI language, the scorecards' Chinese word)
DEFAULT_NAMES = {"excellent": (_l("Excellent"), "优秀"), "good": (_l("Good"), "良好"),
                 "pass": (_l("Pass"), "合格"), "fail": (_l("Fail"), "不合格")}


def _english() -> bool:
    locale = get_locale()
    return locale is not None and not str(locale).startswith("zh")


def band_of(code: str | None, bands: Iterable[dict] | None) -> dict | None:
    """The band of ``code`` among a template's ``grade_bands``, if it is one of them."""
    return next((band for band in bands or () if band.get("grade") == code), None)


def grade_names(code: str | None, bands: Iterable[dict] | None = None) -> tuple[str, str]:
    """``(name in the viewer's language, Chinese name)`` of grade ``code``; ``("—", "—")``
    without a grade."""
    if not code:
        return "—", "—"
    label = (band_of(code, bands) or {}).get("label")
    if label:
        chinese = label.get("zh_CN") or code
        return (label.get("en") or chinese if _english() else chinese), chinese
    if code in DEFAULT_NAMES:
        local, chinese = DEFAULT_NAMES[code]
        return str(local), chinese
    return code, code


def grade_label(code: str | None, bands: Iterable[dict] | None = None) -> str:
    """One line for a PDF or an API: ``Fail 不合格`` in English, ``不合格`` in Chinese."""
    local, chinese = grade_names(code, bands)
    return local if local == chinese else f"{local} {chinese}"
