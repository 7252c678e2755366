"""Demo service reports for the demo's active contracts, in every state of the cycle.

For each active contract, its last few due periods: older ones approved (some late), the newest
ones spread over draft, submitted, returned, resubmitted and nothing (overdue or due), so that
the provider's page and the officer's review queue have something to show. Works with whatever
active contracts the contracts seed made; does nothing when reports already exist.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from stdnum.cn.ric import calc_check_digit

from app import clock
from app.demo.seed import seed_step
from app.extensions import db
from app.users.models import Role, User
from app.users.services import get_by_email
from contracts.models import Contract, ContractStatus
from contracts.submissions import services as subs
from contracts.submissions.data import NEEDY_CATEGORIES, RISKS, SEVERITIES, STAFF_ROLES
from contracts.submissions.models import Submission

HISTORY = 6
#: what happens to the newest due period, by contract (cycled)
NEWEST = ("approved", "submitted", "returned", "resubmitted", "draft", "nothing", "late")
RETURN_COMMENTS = ("入户调查人数与附件名单不一致，请核对后重新提交。",
                   "请补充消防演练记录照片及签到表。",
                   "投诉处理情况说明不完整，请补充处理结果。",
                   "儿童健康体检表缺少医院盖章页，请补传。")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=clock.LOCAL_TZ).astimezone(UTC)


def _data(contract: Contract, rng: random.Random) -> dict:
    kind = str(contract.service_type)
    if kind == "household_survey":
        visited = rng.randint(60, 160)
        needy = {key: rng.randint(0, visited // 10) for key in NEEDY_CATEGORIES}
        return {"households_visited": visited, "needy": needy,
                "problems": rng.choice(["部分家庭外出务工，需预约二次入户。",
                                        "个别申请人未能提供银行流水，已书面告知补交。", ""])}
    if kind == "facility_operation":
        beds = contract.facility.ward_beds if contract.facility else {}
        received = rng.randint(0, 3)
        incidents = [{"risk": rng.choice(list(RISKS)), "severity": rng.choice(["minor"] * 4 +
                                                                            list(SEVERITIES)),
                      "count": 1, "note": "已处置并记录"} for _ in range(rng.randint(0, 2))]
        return {"occupancy": {w: rng.randint(int(b * 0.6), b) for w, b in beds.items()},
                "admissions": rng.randint(0, 6), "departures": rng.randint(0, 4),
                "staff": {role: rng.randint(1, 12) for role in STAFF_ROLES},
                "incidents": incidents, "fire_drills": rng.randint(0, 2),
                "complaints_received": received, "complaints_resolved": rng.randint(0, received)}
    if kind == "entrusted_care":
        return {"roster": _roster(contract, rng)}
    return {"summary": "本期按合同完成服务，活动记录及签到表见附件。"}


def _children(contract: Contract) -> list[tuple[str, date]]:
    """The children a county entrusted: (ID number, birth date), the same every month."""
    rng = random.Random(contract.id)
    county = contract.region.code[:6]
    children: dict[str, tuple[str, date]] = {}
    while len(children) < int((contract.targets or {}).get("children", 10)):
        born = date(2008, 1, 1) + timedelta(days=rng.randrange(365 * 15))
        body = f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + calc_check_digit(body + "0")
        children.setdefault(number[-4:], (number, born))  # masked IDs stay distinct
    return list(children.values())


def _roster(contract: Contract, rng: random.Random) -> list[dict]:
    """This month's roster: each child by ID number (stored masked), a health check for some,
    the school stage by age."""
    roster = []
    for number, born in _children(contract):
        age = (clock.today() - born).days // 365
        stage = (None if age < 3 else "preschool" if age < 6 else "primary" if age < 12
                 else "junior" if age < 15 else "senior" if age < 18 else None)
        roster.append({"child_id": number, "health_check": rng.random() < 0.3,
                       "school_stage": stage})
    return roster


def _provider_user(contract: Contract) -> User | None:
    return db.session.scalar(sa.select(User).where(
        User.role == Role.PROVIDER, User.provider_id == contract.provider_id).limit(1))


def _seed_period(contract: Contract, period, fate: str, rng: random.Random,
                 provider: User | None, officer: User | None, today: date) -> None:
    data = _data(contract, rng)
    if fate == "nothing":
        return
    if fate == "draft":
        subs.save_draft(contract, period.key, data, actor=provider)
        return
    latest = today - timedelta(days=1)
    on_time = min(period.deadline - timedelta(days=rng.randint(0, 6)), latest)
    first = (period.deadline + timedelta(days=rng.randint(1, 5))) if fate == "late" else on_time
    first = max(min(first, latest), period.end + timedelta(days=1))
    if first > today:
        return
    submission = subs.submit_report(contract, period.key, data, actor=provider, at=_at(first))
    if fate == "submitted":
        return
    review_day = min(first + timedelta(days=2), today)
    if fate in ("returned", "resubmitted"):
        subs.review_submission(submission, "returned", rng.choice(RETURN_COMMENTS),
                               actor=officer, at=_at(review_day, 15))
        if fate == "resubmitted":
            subs.submit_report(contract, period.key, data, actor=provider,
                               at=_at(review_day, 17))
        return
    subs.review_submission(submission, "approved", "", actor=officer, at=_at(review_day, 15))


@seed_step("submissions", after=("contracts",))
def seed_submissions() -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Submission)):
        return
    rng = random.Random(20261)
    today = clock.today()
    officer = get_by_email("officer@demo.careprocure.cn")
    contracts = db.session.scalars(sa.select(Contract).where(
        Contract.status == ContractStatus.ACTIVE).order_by(Contract.id)).all()
    for index, contract in enumerate(contracts):
        periods = [p for p in subs.due_periods(contract, today) if p.end < today][-HISTORY:]
        if not periods:
            continue
        provider = _provider_user(contract)
        for age, period in enumerate(reversed(periods)):
            if age == 0:
                fate = NEWEST[index % len(NEWEST)]
            elif age == 1 and index % 3 == 0:
                fate = "late"
            else:
                fate = "approved"
            _seed_period(contract, period, fate, rng, provider, officer, today)
    db.session.flush()
