"""Item kinds of an assessment template: how one answer is checked and what it earns.

Each kind is a small strategy class registered under a key, the way CTFd keeps
``CHALLENGE_CLASSES``: the template row stores only the key, and the scoring code asks
the registry for the behaviour. Adding a kind is one class with ``@register``.

The module is pure Python on purpose (no Flask, no database): errors come back as
``AnswerError`` values carrying a stable ``code``, the parameters, and a plain English
message. The web layer translates by code; scoring and its tests need no app context.

Rules (DESIGN.md §4):

- ``points``: 0..max in steps of 0.5.
- ``yes_no``: yes earns the item's max, no earns 0.
- ``reading``: the inspector enters a measured value (a room temperature, one decimal, within
  the item's plausible range); the score follows from the template's parameters the item
  names: the max at or above the full-credit value, half the max at or above the half-credit
  value, 0 below. N/A works as for every kind (where the template allows it, without a
  reading). A reading outside the range is refused, not clamped: 60 ℃ is a typo, not a warm
  room.
- Any kind may be answered N/A where the template allows it; the N/A check is shared
  here, the effect of N/A on the score is applied in ``evaluations.scoring``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any, ClassVar, Protocol, TypeVar

__all__ = [
    "KINDS", "AnswerError", "AnswerLike", "ItemKind", "ItemLike", "PointsKind", "ReadingKind",
    "ReadingRule", "UnknownItemKind", "YesNoKind", "earned_for_reading", "get_kind", "register",
]

#: Points are awarded in half-point steps (DESIGN.md §4); ``_is_half_step`` implements it.
POINT_STEP = Decimal("0.5")
#: A reading is entered with one decimal at most (a thermometer's resolution).
READING_STEP = Decimal("0.1")


@dataclass(frozen=True)
class ReadingRule:
    """How a ``reading`` item scores, with the template's parameter values resolved."""

    #: at or above: the item's max
    full_at: Decimal
    #: at or above (and below ``full_at``): half the max; None: no half credit
    half_at: Decimal | None
    #: the plausible range of a reading, both ends included
    low: Decimal
    high: Decimal
    unit: str = ""


@dataclass(frozen=True)
class AnswerError:
    """One problem with one answer: a stable code for translation, its parameters, English text."""

    #: machine code, e.g. ``points_above_max``; the web layer maps it to a translated message
    code: str
    #: plain English, for logs, the API and tests
    message: str
    #: values the message refers to (``max_points``, ``points``...), for the translated message
    params: dict[str, Any] = field(default_factory=dict, compare=False)


class ItemLike(Protocol):
    """What a kind needs to know about an item (``scoring.ItemSpec`` satisfies it)."""

    @property
    def max_points(self) -> Decimal: ...

    @property
    def allow_na(self) -> bool: ...

    @property
    def reading(self) -> ReadingRule | None: ...


class AnswerLike(Protocol):
    """What a kind reads from an answer (``scoring.Answer`` satisfies it)."""

    @property
    def points(self) -> Decimal | None: ...

    @property
    def yes(self) -> bool | None: ...

    @property
    def na(self) -> bool: ...

    @property
    def reading(self) -> Decimal | None: ...


class UnknownItemKind(KeyError):
    """A template refers to a kind key that no class registered."""


class ItemKind:
    """Base strategy: N/A handling is shared, the value rules belong to each kind.

    Subclasses set ``key`` and implement ``is_answered``, ``validate_value`` and
    ``earned``. ``validate`` is the entry point callers use.
    """

    key: ClassVar[str]
    #: English label for admin screens; translated in the web layer
    label: ClassVar[str]

    def validate(self, item: ItemLike, answer: AnswerLike) -> list[AnswerError]:
        """Return every problem with ``answer`` for ``item``; an empty list means valid.

        An answer that is neither N/A nor carries a value is *not yet answered* and is
        not an error here: drafts may be partial. Completeness is the caller's rule.
        """
        if answer.na:
            errors = []
            if not item.allow_na:
                errors.append(AnswerError("na_not_allowed", "This item may not be marked N/A."))
            # N/A together with a value is ambiguous: we would have to guess which one the
            # inspector meant, and the two give different totals.
            if (answer.points is not None or answer.yes is not None
                    or getattr(answer, "reading", None) is not None):
                errors.append(
                    AnswerError("na_with_value", "An item marked N/A must not also have a value.")
                )
            return errors
        return self.validate_value(item, answer)

    def is_answered(self, answer: AnswerLike) -> bool:
        """True when the answer carries this kind's value (N/A is handled by the caller)."""
        raise NotImplementedError

    def validate_value(self, item: ItemLike, answer: AnswerLike) -> list[AnswerError]:
        """Check a non-N/A answer's value against the item."""
        raise NotImplementedError

    def earned(self, item: ItemLike, answer: AnswerLike) -> Decimal:
        """Points earned by a valid, answered, non-N/A answer."""
        raise NotImplementedError


#: The registry: kind key → one (stateless) instance.
KINDS: dict[str, ItemKind] = {}

_KindT = TypeVar("_KindT", bound=type[ItemKind])


def register(kind_class: _KindT) -> _KindT:
    """Class decorator: add a kind to ``KINDS`` under its ``key``."""
    key = kind_class.key
    if key in KINDS:
        # Two kinds under one key would make stored templates score differently
        # depending on import order.
        raise ValueError(f"item kind {key!r} is already registered")
    KINDS[key] = kind_class()
    return kind_class


def get_kind(key: str) -> ItemKind:
    """Return the kind registered under ``key``; raise ``UnknownItemKind`` otherwise."""
    try:
        return KINDS[key]
    except KeyError:
        raise UnknownItemKind(key) from None


def _is_half_step(points: Decimal) -> bool:
    """True when ``points`` is a multiple of 0.5, judged exactly whatever its length or
    exponent (no arithmetic: a context would round 0.5000…0001 to 1, and overflow or
    underflow on 1E+9999999 or 1E-9999999)."""
    _sign, digits, exponent = points.as_tuple()
    if not any(digits):
        return True
    trailing = len(digits) - len(bytes(digits).rstrip(b"\0"))
    exponent += trailing
    # what is left ends in a non-zero digit: a whole number, or tenths ending in 5
    return exponent >= 0 or (exponent == -1 and digits[-1 - trailing] == 5)


def _no_reading(answer: AnswerLike) -> list[AnswerError]:
    if getattr(answer, "reading", None) is None:
        return []
    return [AnswerError("reading_not_taken", "This item takes no measured reading.")]


@register
class PointsKind(ItemKind):
    """The inspector awards 0..max points in steps of 0.5."""

    key = "points"
    label = "Points"

    def is_answered(self, answer: AnswerLike) -> bool:
        return answer.points is not None

    def validate_value(self, item: ItemLike, answer: AnswerLike) -> list[AnswerError]:
        errors = _no_reading(answer)
        if answer.yes is not None:
            errors.append(
                AnswerError("yes_no_on_points", "This item takes points, not yes/no.")
            )
        points = answer.points
        if points is None:
            return errors
        # bool is an int and float is inexact: neither may enter Decimal arithmetic.
        if isinstance(points, bool) or not isinstance(points, Decimal | int):
            errors.append(AnswerError("points_not_a_number", "Points must be a number."))
            return errors
        points = Decimal(points)
        if not points.is_finite():
            errors.append(AnswerError("points_not_a_number", "Points must be a number."))
            return errors
        params = {"points": points, "max_points": item.max_points}
        if points < 0:
            errors.append(AnswerError("points_negative", "Points must not be negative.", params))
        if points > item.max_points:
            errors.append(
                AnswerError(
                    "points_above_max",
                    f"Points must not exceed the item's maximum of {item.max_points}.",
                    params,
                )
            )
        if not _is_half_step(points):
            errors.append(
                AnswerError(
                    "points_not_half_step",
                    f"Points must be a multiple of {POINT_STEP}.",
                    {**params, "step": POINT_STEP},
                )
            )
        return errors

    def earned(self, item: ItemLike, answer: AnswerLike) -> Decimal:
        if answer.points is None:
            raise ValueError("a points item without points earns nothing yet")
        return Decimal(answer.points)


@register
class YesNoKind(ItemKind):
    """A requirement that is met (the item's max) or not (0)."""

    key = "yes_no"
    label = "Yes / no"

    def is_answered(self, answer: AnswerLike) -> bool:
        return answer.yes is not None

    def validate_value(self, item: ItemLike, answer: AnswerLike) -> list[AnswerError]:
        errors = _no_reading(answer)
        if answer.points is not None:
            errors.append(
                AnswerError("points_on_yes_no", "This item takes yes or no, not points.")
            )
        if answer.yes is not None and not isinstance(answer.yes, bool):
            errors.append(AnswerError("yes_not_a_boolean", "The answer must be yes or no."))
        return errors

    def earned(self, item: ItemLike, answer: AnswerLike) -> Decimal:
        if answer.yes is None:
            raise ValueError("a yes/no item without an answer earns nothing yet")
        return item.max_points if answer.yes else Decimal(0)


@register
class ReadingKind(ItemKind):
    """A measured value scored against the template's thresholds (see the module docstring)."""

    key = "reading"
    label = "Measured reading"

    def is_answered(self, answer: AnswerLike) -> bool:
        return answer.reading is not None

    def validate_value(self, item: ItemLike, answer: AnswerLike) -> list[AnswerError]:
        errors = []
        if answer.points is not None or answer.yes is not None:
            errors.append(AnswerError("value_on_reading",
                                      "This item takes a measured reading, not points or yes/no."))
        reading = answer.reading
        if reading is None:
            return errors
        if (isinstance(reading, bool) or not isinstance(reading, Decimal | int)
                or not Decimal(reading).is_finite()):
            errors.append(AnswerError("reading_not_a_number", "The reading must be a number."))
            return errors
        reading = Decimal(reading)
        rule = _rule(item)
        params = {"reading": reading, "low": rule.low, "high": rule.high, "unit": rule.unit}
        if not rule.low <= reading <= rule.high:
            errors.append(AnswerError(
                "reading_out_of_range",
                f"The reading must lie between {rule.low} and {rule.high}{rule.unit}.", params))
        # within the range the coefficient is short, so this context never overflows
        elif reading != reading.quantize(READING_STEP, context=Context(prec=60)):
            errors.append(AnswerError("reading_too_precise",
                                      "The reading takes one decimal at most.", params))
        return errors

    def earned(self, item: ItemLike, answer: AnswerLike) -> Decimal:
        if answer.reading is None:
            raise ValueError("a reading item without a reading earns nothing yet")
        return earned_for_reading(_rule(item), item.max_points, Decimal(answer.reading))


def earned_for_reading(rule: ReadingRule, max_points: Decimal, reading: Decimal) -> Decimal:
    """The max at or above ``full_at``, half of it at or above ``half_at``, else 0."""
    if reading >= rule.full_at:
        return max_points
    if rule.half_at is not None and reading >= rule.half_at:
        return max_points / 2
    return Decimal(0)


def _rule(item: ItemLike) -> ReadingRule:
    rule = getattr(item, "reading", None)
    if rule is None:
        raise ValueError("a reading item needs its ReadingRule")
    return rule
