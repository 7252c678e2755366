"""The provider ranking and the contracts' quarterly trends of the dashboards: single queries
over the performance figures stored per contract and period (reports.performance.figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.users.models import User
from contracts.models import Contract, Provider
from contracts.visibility import visible_contracts
from evaluations.scoring import round_score
from reports.performance.figures import MEASURED, PerformanceFigure
from reports.performance.services import quarters_of

RANKED_CONTRACTS = MEASURED


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


@dataclass
class ProviderRank:
    provider_id: int
    name: str
    contracts: int
    composite: Decimal | None
    #: the mean composite of the provider's contracts per quarter of the year, oldest first
    trend: list[Decimal | None] = field(default_factory=list)
    #: 1 for the best; providers showing the same composite share a rank (1, 1, 3); none
    #: without a composite
    rank: int | None = None


def _decimal(value) -> Decimal | None:
    """An average from the database (Decimal on PostgreSQL, float on SQLite) to 6 places."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"))


def quarters_until(year: int, today: date) -> list[str]:
    """The quarters of ``year`` that have begun by ``today``."""
    last = 4 if year < today.year else (today.month - 1) // 3 + 1 if year == today.year else 0
    return [f"{year}-Q{q}" for q in range(1, last + 1)]


def _compute_ranking(user: User, year: int, today: date) -> list[ProviderRank]:
    """One query over the stored figures (reports.performance.figures): per provider, its
    contracts in view, the mean of their composites for the year and for each quarter begun
    (a column each: a city's 500 providers are 500 rows, not 2,500 to fold in Python)."""
    start, end = _year_bounds(year)
    quarters = quarters_until(year, today)
    # a contract terminated before the year did not run in it, whatever its planned end
    contracts = visible_contracts(user).where(
        Contract.status.in_(RANKED_CONTRACTS), Contract.start_date <= end,
        sa.func.coalesce(Contract.terminated_on, Contract.end_date) >= start).subquery()
    figure = PerformanceFigure

    def mean_of(period: str):
        return sa.func.avg(figure.composite).filter(figure.period == period)

    # a contract counts once: by its figure of the year, or by having no figure at all
    counted = sa.func.count().filter(sa.or_(figure.period.is_(None), figure.period == str(year)))
    rows = db.session.execute(
        sa.select(contracts.c.provider_id, Provider.name, counted, mean_of(str(year)),
                  *(mean_of(quarter) for quarter in quarters))
        .select_from(contracts)
        .join(Provider, Provider.id == contracts.c.provider_id)
        .outerjoin(figure, sa.and_(figure.contract_id == contracts.c.id,
                                   figure.period.in_([str(year), *quarters])))
        .group_by(contracts.c.provider_id, Provider.name)).all()
    ranking = [ProviderRank(pid, name, n, _decimal(mean), [_decimal(q) for q in trend])
               for pid, name, n, mean, *trend in rows]
    ranking.sort(key=lambda r: (r.composite is None, -(r.composite or 0), r.name))
    _number(ranking)
    return ranking


def _number(ranking: list[ProviderRank]) -> None:
    """Rank the sorted ``ranking`` by the composite as shown (one decimal, half up): two
    providers both showing 80.0 are both first, not first and second by their names."""
    for place, r in enumerate(ranking, start=1):
        if r.composite is None:
            return
        before = ranking[place - 2] if place > 1 else None
        same = before is not None and round_score(before.composite) == round_score(r.composite)
        r.rank = before.rank if same else place


def provider_ranking(user: User, year: int, today: date | None = None) -> list[ProviderRank]:
    """Providers with contracts in ``user``'s view, by the mean composite of those contracts
    (every contract that ran, drafts aside, running in ``year``), best first; those without
    a score last. One query over the stored figures: nothing to cache."""
    return _compute_ranking(user, year, today or clock.today())


@dataclass
class ContractTrend:
    contract: Contract
    quarters: list[str]
    composites: list[Decimal | None]


def contract_trends(contracts: list[Contract], today: date, last: int = 6
                    ) -> list[ContractTrend]:
    """The composite of each of the last ``last`` quarters begun by today, per contract (one
    query over the stored figures)."""
    ranked = [c for c in contracts if c.status in RANKED_CONTRACTS]
    keys = {c.id: [k for k in quarters_of(c)
                   if date(int(k[:4]), 3 * int(k[-1]) - 2, 1) <= today][-last:] for c in ranked}
    wanted = {k for ks in keys.values() for k in ks}
    found = {(cid, period): composite for cid, period, composite in db.session.execute(
        sa.select(PerformanceFigure.contract_id, PerformanceFigure.period,
                  PerformanceFigure.composite).where(
            PerformanceFigure.contract_id.in_(list(keys)),
            PerformanceFigure.period.in_(wanted)))} if ranked else {}
    return [ContractTrend(c, keys[c.id], [found.get((c.id, k)) for k in keys[c.id]])
            for c in ranked]
