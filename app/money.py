"""Money in yuan, to the fen (分).

Amounts round half up (四舍五入), as the bureau's accounts do: Decimal's own default is half
even, which makes 42,500.085 come out as 42,500.08 where a clerk writes 42,500.09.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    """``amount`` rounded half up to the fen."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def split_by_shares(total: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """``total`` split by percentage ``shares``, each part to the fen.

    Where the shares make 100 %, the last part is what the others left, so that the parts add
    up to ``total`` exactly: rounding each on its own gains or loses a fen (100,000.01 paid
    50/50 would otherwise be paid 100,000.02).
    """
    parts = [to_fen(total * share / 100) for share in shares]
    if parts and sum(shares) == 100:
        parts[-1] = total - sum(parts[:-1])
    return parts
