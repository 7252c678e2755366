"""Scores of an inspection, computed by pure functions over frozen specs (DESIGN.md §4).

Nothing here touches Flask or the database: services turn template rows and answers into
``SectionSpec``/``Answer`` values, call ``validate_answers`` and ``score``, and store the
``Result``. The rules, as the design states them:

- An N/A item leaves both the earned and the possible points of its section.
- Section score = 100 × earned ÷ possible over its applicable items; a section with no
  applicable item drops out (its score is ``None``, not 0: nothing was judged).
- Total = Σ(weight × section score) ÷ Σ(weight) over the sections that remain.
- All arithmetic in ``Decimal`` inside a wide local context; the result is rounded half up
  to one decimal only when shown or stored (``round_score``), never in between.
- A critical (veto, 一票否决) item that earns 0 makes the grade fail whatever the total.
- A band may also require a minimum score in named sections (GB/T 37276-style levels: a level
  needs both its total and a floor per section); a band whose floors are not all met is
  skipped, and the next band down is tried.

Decisions where the design is silent:

- Zero weights: a section of weight 0 is still scored and shown, and its critical items
  still veto, but it adds nothing to the total. If the sections that remain weigh 0 in
  all, there is no weighted mean to take: total and band grade are ``None``.
- The veto grade is the lowest band's grade (``fail`` with the default bands), so custom
  bands with their own codes still get a grade they know. The veto applies even when the
  total is ``None`` because the remaining sections weigh nothing.
- A floor is judged, like the total, on the ROUNDED section score. A floor on a section
  that dropped out (every item N/A) does not hold the band back: nothing there was judged,
  and the template allowed those N/As.
- ``score`` refuses incomplete or invalid answers (``IncompleteAnswers``,
  ``InvalidAnswers``) rather than guessing: a score that decides payment must not be
  computed from a half-filled form.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from evaluations.item_kinds import AnswerError, ReadingRule, get_kind

__all__ = [
    "DEFAULT_BANDS", "Answer", "GradeBand", "IncompleteAnswers", "InvalidAnswers", "ItemSpec",
    "Result", "ScoringError", "SectionResult", "SectionSpec", "answers_by_item", "floors_missed",
    "grade_for", "round_score", "score", "validate_answers",
]

ItemId = Hashable
SectionId = Hashable

#: Digits kept while computing. 100 ÷ 3 never terminates; 50 digits keep the error far
#: below the 0.05 that could move a rounded total, with margin for large weights.
PRECISION = 50
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def _require_decimal(name: str, value: object) -> None:
    # Floats would bring binary rounding into a score that decides payment.
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"{name} must be a finite Decimal, got {value!r}")


@dataclass(frozen=True)
class ItemSpec:
    """One item of an assessment template, as scoring sees it."""

    id: ItemId
    #: key of a registered item kind (``points``, ``yes_no``)
    kind: str
    max_points: Decimal
    #: veto item (一票否决): earning 0 fails the inspection
    critical: bool = False
    #: the template lets the inspector mark this item N/A
    allow_na: bool = False
    #: ``reading`` items: the thresholds, from the template's parameters
    reading: ReadingRule | None = None

    def __post_init__(self) -> None:
        get_kind(self.kind)  # fail at template load, not halfway through scoring
        if self.kind == "reading" and self.reading is None:
            raise ValueError(f"item {self.id!r}: a reading item needs its thresholds")
        _require_decimal("max_points", self.max_points)
        # A 0-point item would make possible = 0 in a section that has applicable items.
        if self.max_points <= 0:
            raise ValueError(f"item {self.id!r}: max_points must be positive")


@dataclass(frozen=True)
class SectionSpec:
    """One weighted section of an assessment template, its items in template order."""

    id: SectionId
    weight: Decimal
    items: tuple[ItemSpec, ...]

    def __post_init__(self) -> None:
        _require_decimal("weight", self.weight)
        if self.weight < 0:
            raise ValueError(f"section {self.id!r}: weight must not be negative")


@dataclass(frozen=True)
class GradeBand:
    """A grade awarded from ``min_score`` (inclusive) up to the next band's minimum, when
    every section named in ``section_floors`` scores at least its floor."""

    grade: str
    min_score: Decimal
    #: (section id, minimum rounded section score) pairs; a mapping is accepted and frozen
    section_floors: tuple[tuple[SectionId, Decimal], ...] = ()

    def __post_init__(self) -> None:
        _require_decimal("min_score", self.min_score)
        floors = self.section_floors
        pairs = tuple(floors.items()) if isinstance(floors, Mapping) else tuple(floors)
        for section_id, floor in pairs:
            _require_decimal(f"floor of section {section_id!r}", floor)
        object.__setattr__(self, "section_floors", pairs)

    def missed_floors(self, section_scores: Mapping[SectionId, Decimal | None]
                      ) -> list[tuple[SectionId, Decimal]]:
        """The ``(section id, floor)`` pairs this band requires that the scores do not meet."""
        missed = []
        for section_id, floor in self.section_floors:
            if section_id not in section_scores:
                raise ValueError(f"band {self.grade!r}: no section {section_id!r} was scored")
            value = section_scores[section_id]
            if value is not None and round_score(value) < floor:
                missed.append((section_id, floor))
        return missed


#: DESIGN.md §4 defaults: 优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, 不合格 below.
DEFAULT_BANDS: tuple[GradeBand, ...] = (
    GradeBand("excellent", Decimal(90)),
    GradeBand("good", Decimal(75)),
    GradeBand("pass", Decimal(60)),
    GradeBand("fail", Decimal(0)),
)


@dataclass(frozen=True)
class Answer:
    """The inspector's answer to one item: points, yes/no, a measured reading, or N/A."""

    item_id: ItemId
    points: Decimal | None = None
    yes: bool | None = None
    na: bool = False
    #: ``reading`` items: the measured value (℃ for a room temperature)
    reading: Decimal | None = None


@dataclass(frozen=True)
class SectionResult:
    """Earned and possible points of one section; ``score`` unrounded, ``None`` if dropped out."""

    section_id: SectionId
    earned: Decimal
    possible: Decimal
    score: Decimal | None

    @property
    def rounded_score(self) -> Decimal | None:
        return None if self.score is None else round_score(self.score)


@dataclass(frozen=True)
class Result:
    """The outcome of one inspection. ``total`` is unrounded; show ``rounded_total``."""

    total: Decimal | None
    grade: str | None
    sections: tuple[SectionResult, ...]
    #: critical items that earned 0, in template order
    failed_critical: tuple[ItemId, ...]

    @property
    def rounded_total(self) -> Decimal | None:
        return None if self.total is None else round_score(self.total)


class ScoringError(ValueError):
    """The answers cannot be scored as given."""


class IncompleteAnswers(ScoringError):
    """Some items have no answer yet; ``missing_item_ids`` in template order."""

    def __init__(self, missing_item_ids: Iterable[ItemId]) -> None:
        self.missing_item_ids = tuple(missing_item_ids)
        super().__init__(f"unanswered items: {list(self.missing_item_ids)}")


class InvalidAnswers(ScoringError):
    """Some answers break their item's rules; ``errors`` as ``validate_answers`` returns them."""

    def __init__(self, errors: Mapping[ItemId, list[AnswerError]]) -> None:
        self.errors = dict(errors)
        super().__init__(f"invalid answers for items: {list(self.errors)}")


def round_score(value: Decimal) -> Decimal:
    """Round half up to one decimal, as shown and stored (74.95 → 75.0)."""
    with localcontext(prec=PRECISION):
        return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _ordered(bands: Iterable[GradeBand]) -> list[GradeBand]:
    ordered = sorted(bands, key=lambda band: band.min_score, reverse=True)
    if not ordered:
        raise ValueError("at least one grade band is needed")
    return ordered


def grade_for(total: Decimal, bands: Iterable[GradeBand] = DEFAULT_BANDS,
              section_scores: Mapping[SectionId, Decimal | None] | None = None) -> str:
    """The grade of ``total``, judged on the ROUNDED total (and rounded section scores).

    Users see the rounded total, so 89.95 shows as 90.0 and must read "excellent";
    grading the unrounded 89.95 as "good" would contradict the scorecard. A band whose
    section floors are not all met is passed over. A total below every band gets the
    lowest band's grade ("fail otherwise"). ``section_scores`` are needed only when a
    band has floors.
    """
    ordered = _ordered(bands)
    shown = round_score(total)
    for band in ordered:
        if shown >= band.min_score and not _missed(band, section_scores):
            return band.grade
    return ordered[-1].grade


def _missed(band: GradeBand, section_scores: Mapping[SectionId, Decimal | None] | None
            ) -> list[tuple[SectionId, Decimal]]:
    if not band.section_floors:
        return []
    if section_scores is None:
        raise ValueError(f"band {band.grade!r} has section floors: section scores are needed")
    return band.missed_floors(section_scores)


def floors_missed(total: Decimal | None, bands: Iterable[GradeBand],
                  section_scores: Mapping[SectionId, Decimal | None]
                  ) -> list[tuple[str, SectionId, Decimal]]:
    """Why the grade is lower than the total alone would give: ``(grade, section id, floor)``
    of every floor missed by the bands above the one awarded whose minimum the total met."""
    if total is None:
        return []
    shown = round_score(total)
    missed = []
    for band in _ordered(bands):
        if shown < band.min_score:
            continue
        misses = _missed(band, section_scores)
        if not misses:
            break
        missed += [(band.grade, section_id, floor) for section_id, floor in misses]
    return missed


def answers_by_item(answers: Iterable[Answer]) -> dict[ItemId, Answer]:
    """Key answers by item id, refusing two answers for one item."""
    keyed: dict[ItemId, Answer] = {}
    for answer in answers:
        if answer.item_id in keyed:
            raise ValueError(f"two answers for item {answer.item_id!r}")
        keyed[answer.item_id] = answer
    return keyed


def _items_in_order(sections: Iterable[SectionSpec]) -> dict[ItemId, ItemSpec]:
    items: dict[ItemId, ItemSpec] = {}
    for section in sections:
        for item in section.items:
            if item.id in items:
                raise ValueError(f"item {item.id!r} appears twice in the template")
            items[item.id] = item
    return items


def _is_answered(item: ItemSpec, answer: Answer | None) -> bool:
    return answer is not None and (answer.na or get_kind(item.kind).is_answered(answer))


def validate_answers(
    sections: Iterable[SectionSpec],
    answers: Mapping[ItemId, Answer],
    *,
    require_complete: bool = False,
) -> dict[ItemId, list[AnswerError]]:
    """Every problem with ``answers``, keyed by item id; an empty dict means valid.

    Drafts may be partial; pass ``require_complete=True`` when the inspection is submitted
    to report unanswered items (``answer_missing``) as well.
    """
    items = _items_in_order(sections)
    errors: dict[ItemId, list[AnswerError]] = {}
    for item_id, item in items.items():
        answer = answers.get(item_id)
        item_errors: list[AnswerError] = []
        if answer is not None:
            item_errors.extend(get_kind(item.kind).validate(item, answer))
        if require_complete and not _is_answered(item, answer):
            item_errors.append(AnswerError("answer_missing", "This item has not been answered."))
        if item_errors:
            errors[item_id] = item_errors
    for item_id, answer in answers.items():
        if item_id not in items:
            # Most likely an answer saved against another template or an older version.
            errors[item_id] = [
                AnswerError("unknown_item", "This item is not part of the assessment template.")
            ]
        elif answer.item_id != item_id:
            errors.setdefault(item_id, []).append(
                AnswerError("item_id_mismatch", "The answer belongs to a different item.")
            )
    return errors


def score(
    sections: Iterable[SectionSpec],
    answers: Mapping[ItemId, Answer],
    bands: Iterable[GradeBand] = DEFAULT_BANDS,
) -> Result:
    """Score a complete, valid set of answers (DESIGN.md §4); see the module docstring."""
    sections = tuple(sections)
    bands = tuple(bands)
    if not bands:
        raise ValueError("at least one grade band is needed")
    items = _items_in_order(sections)
    missing = [
        item_id for item_id, item in items.items() if not _is_answered(item, answers.get(item_id))
    ]
    if missing:
        raise IncompleteAnswers(missing)
    errors = validate_answers(sections, answers)
    if errors:
        raise InvalidAnswers(errors)

    with localcontext(prec=PRECISION):
        section_results = []
        failed_critical: list[ItemId] = []
        for section in sections:
            earned = possible = Decimal(0)
            for item in section.items:
                answer = answers[item.id]
                if answer.na:
                    continue  # leaves both sides of the ratio
                item_earned = get_kind(item.kind).earned(item, answer)
                earned += item_earned
                possible += item.max_points
                if item.critical and item_earned == 0:
                    failed_critical.append(item.id)
            section_score = HUNDRED * earned / possible if possible else None
            section_results.append(SectionResult(section.id, earned, possible, section_score))

        weighted = [
            (section.weight, result.score)
            for section, result in zip(sections, section_results, strict=True)
            if result.score is not None
        ]
        weight_sum = sum((weight for weight, _ in weighted), Decimal(0))
        total = (
            sum((weight * value for weight, value in weighted), Decimal(0)) / weight_sum
            if weight_sum
            else None
        )

    scores = {result.section_id: result.score for result in section_results}
    for band in bands:
        unknown = [sid for sid, _floor in band.section_floors if sid not in scores]
        if unknown:
            raise ValueError(f"band {band.grade!r} names sections not in the template: {unknown}")
    if failed_critical:
        grade = min(bands, key=lambda band: band.min_score).grade
    else:
        grade = None if total is None else grade_for(total, bands, scores)
    return Result(total, grade, tuple(section_results), tuple(failed_critical))
