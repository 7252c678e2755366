"""Red-flag speed: ``python -m bench.red_flags [N]`` (default 2,000 procurements).

Builds N awarded procurements over four years in two counties of a temporary SQLite database
(two or three bids each, some single source, some contracts amended), then prints the median
milliseconds of the officers' list (every flag of every procurement, computed) and of one
procurement's flags, with the statements each ran.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import app.users.models  # noqa: F401  (models first: see bench/household_import.py)
from bench.config import bench_config

WORKDIR = Path(tempfile.mkdtemp(prefix="bench-red-flags-"))


def build(db, count: int, rng: random.Random):
    from app.regions.models import Level
    from app.regions.services import create_region
    from contracts.credit_code import make_credit_code
    from contracts.models import (
        Bid,
        Contract,
        ContractAmendment,
        ContractStatus,
        Procurement,
        ProcurementStatus,
        Provider,
        ProviderKind,
    )

    city = create_region("421200", "咸宁市", Level.CITY, None)
    counties = [create_region(code, name, Level.COUNTY, city.code)
                for code, name in (("421202", "咸安区"), ("421221", "嘉鱼县"))]
    providers = [Provider(name=f"机构{n}", kind=ProviderKind.SOCIAL_ORG,
                          credit_code=make_credit_code("51", "421200", f"{n:08d}"))
                 for n in range(40)]
    db.session.add_all(providers)
    db.session.flush()
    start = date(2023, 1, 1)
    for n in range(count):
        day = start + timedelta(days=rng.randrange(4 * 365))
        budget = Decimal(rng.randrange(50, 500)) * 1000
        single = rng.random() < 0.15
        procurement = Procurement(
            title=f"采购{n}", service_type=rng.choice(["household_survey", "other"]),
            region=rng.choice(counties), budget=budget,
            method="single_source" if single else "open_tender",
            justification="唯一" if single else "", status=ProcurementStatus.AWARDED,
            awarded_on=day, published_on=day - timedelta(days=30))
        bidders = rng.sample(providers, 1 if single else rng.choice([1, 2, 3]))
        for i, provider in enumerate(bidders):
            price = (budget * Decimal(rng.uniform(0.85, 1.0))).quantize(Decimal("0.01"))
            procurement.bids.append(Bid(provider=provider, price=price, awarded=i == 0))
        db.session.add(procurement)
        winner = procurement.bids[0]
        contract = Contract(
            number=f"XN-B-{n:06d}", title=procurement.title, service_type=procurement.service_type,
            provider=winner.provider, region=procurement.region, procurement=procurement,
            start_date=day, end_date=day + timedelta(days=364), amount=winner.price,
            status=ContractStatus.ACTIVE)
        if rng.random() < 0.1:
            raised = (winner.price * Decimal("1.15")).quantize(Decimal("0.01"))
            contract.amendments.append(ContractAmendment(
                version=2, changes={"amount": [str(winner.price), str(raised)]}, reason="增加"))
            contract.amount, contract.version = raised, 2
        db.session.add(contract)
    db.session.commit()
    return city


def main(count: int) -> None:
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.users.models import Role, User
    from contracts.models import Procurement
    from contracts.red_flags.services import flag_list, flags_of

    app = create_app(bench_config(WORKDIR))
    with app.app_context(), app.test_request_context():
        db.create_all()
        city = build(db, count, random.Random(17))
        officer = User(email="o@bench.cn", role=Role.OFFICER, region=city, name="o")
        statements: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute",
                        lambda *args: statements.append(args[2]))
        times = []
        for _ in range(5):
            db.session.expire_all()
            statements.clear()
            began = time.perf_counter()
            flags = flag_list(officer, today=date(2027, 1, 1))
            times.append((time.perf_counter() - began) * 1000)
        list_statements = len(statements)
        one = db.session.scalars(sa.select(Procurement).limit(1)).one()
        single = []
        for _ in range(20):
            began = time.perf_counter()
            flags_of(one, date(2027, 1, 1))
            single.append((time.perf_counter() - began) * 1000)
        by_code: dict[str, int] = {}
        for flag in flags:
            by_code[flag.code] = by_code.get(flag.code, 0) + 1
        print(f"{count} procurements, {len(flags)} flags {dict(sorted(by_code.items()))}")
        print(f"officers' list: median {statistics.median(times):.0f} ms, "
              f"{list_statements} statements")
        print(f"one procurement: median {statistics.median(single):.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
