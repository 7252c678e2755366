"""The evaluations feature's part of the demo city: the built-in templates, then inspections,
campaigns and corrective actions.

The second step runs after the templates and the contracts steps, and works
with whatever homes exist (none: it does nothing). Deterministic (a fixed ``random.Random``),
and everything goes through the services, with the app clock moved to the day each thing
happens so that timestamps and deadlines read like a real year:

- a FINISHED warm-winter campaign (冬暖工程) last November, every inspection finalized;
- a safety campaign (平安工程) around today: the past part submitted or finalized, a few being
  filled in, the rest scheduled;
- answers mostly good, some poor, N/A where the template allows it, a few failed critical
  items, so totals fall in every grade;
- corrective actions from the weak items, in every state: open, answered, closed, overdue and
  reopened.
"""

from __future__ import annotations

import contextlib
import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from app import clock
from app.demo.seed import CITY_CODE, DEMO_PASSWORD, seed_step
from app.errors import ValidationError
from app.extensions import db
from app.regions.models import Region
from app.regions.services import get_by_code
from app.users.models import Role, User
from app.users.services import create_user, get_by_email
from contracts.households.reminders import survey_windows
from contracts.models import Facility, Provider
from evaluations.actions import rectification
from evaluations.actions import services as actions
from evaluations.actions.models import CorrectiveAction
from evaluations.actions.suggestions import create_actions_from_inspection, suggest_actions
from evaluations.assessment.readings import item_rule
from evaluations.assessment.services import current_template, seed_builtin_templates
from evaluations.campaigns import services as campaigns
from evaluations.campaigns.models import Campaign
from evaluations.inspections import services as inspections
from evaluations.inspections.answers import missing_evidence
from evaluations.inspections.models import Inspection
from evaluations.inspections.photos import add_photo

SEED = 20261101

#: demo inspectors bound to counties (by-region assignment gives them their county's homes)
COUNTY_INSPECTORS = [
    ("xianan.inspector@demo.careprocure.cn", "赵磊", "421202"),
    ("chibi.inspector@demo.careprocure.cn", "孙丽", "421281"),
]

#: share of inspections by target quality: mostly good homes, a few poor ones
PROFILES = [("excellent", 35), ("good", 38), ("pass", 17), ("poor", 10)]
#: chance that an item scores its maximum, by profile
FULL_MARKS = {"excellent": 0.95, "good": 0.8, "pass": 0.6, "poor": 0.35}
#: chance that an inspection fails one critical (veto) item
CRITICAL_FAIL = 0.08
#: ... and at least one in this many fails one
VETO_AT_LEAST_EVERY = 12
NA_CHANCE = 0.2

NOTES = [
    "现场检查发现部分落实不到位", "台账记录不完整", "个别房间未落实", "培训记录缺失",
    "已口头提醒，需限期整改", "部分设施老化", "值班记录有漏签", "物资数量不足",
]
ANSWERS = [
    "已按要求整改完毕，附整改前后照片。", "已组织全员培训并补齐台账。",
    "已更换老化设施，并建立每周巡查制度。", "已采购补足物资，入库登记见附件。",
]
CAUSES = ["日常巡查制度落实不到位。", "物资采购计划滞后。", "工作人员培训不足，台账填写不规范。"]
REOPEN_REASONS = ["整改照片不清晰，无法确认", "复查发现问题依旧存在", "台账仍缺少十月份记录"]


@contextmanager
def _on(day: date, hour: int = 10) -> Iterator[None]:
    """Run with the app clock at ``hour`` o'clock (Shanghai) of ``day``, then restore it."""
    previous = clock._clock  # noqa: SLF001 — the seed replays a year, then hands the clock back
    moment = datetime.combine(day, time(hour), tzinfo=clock.LOCAL_TZ).astimezone(UTC)
    clock.set_clock(lambda: moment)
    try:
        yield
    finally:
        clock.set_clock(previous)


def _last_november(today: date) -> tuple[date, date]:
    """The most recent November that is over."""
    year = today.year if today.month == 12 else today.year - 1
    return date(year, 11, 1), date(year, 11, 30)


def _root_region(facilities: list[Facility]) -> Region:
    city = get_by_code(CITY_CODE)
    if city is not None:
        return city
    first = int(facilities[0].region.path.strip("/").split("/")[0])
    return db.session.get(Region, first)


def _inspectors(root: Region) -> list[User]:
    for email, name, code in COUNTY_INSPECTORS:
        county = get_by_code(code)
        if county is not None and get_by_email(email) is None:
            create_user(email=email, password=DEMO_PASSWORD, role="inspector", name=name,
                        region=county, locale="zh_CN")
    people = list(db.session.scalars(sa.select(User).where(
        User.role == Role.INSPECTOR, User.is_enabled.is_(True)).order_by(User.id)))
    if not any(p.region is not None and root.path.startswith(p.region.path) for p in people):
        people.append(create_user(email="inspector.seed@demo.careprocure.cn",
                                  password=DEMO_PASSWORD, role="inspector", name="评估员",
                                  region=root, locale="zh_CN"))
    return people


def _officer(root: Region) -> User | None:
    officer = get_by_email("officer@demo.careprocure.cn")
    if officer is not None:
        return officer
    return db.session.scalar(sa.select(User).join(Region, User.region_id == Region.id).where(
        User.role == Role.OFFICER, sa.literal(root.path).startswith(Region.path))
        .order_by(Region.path, User.id))


def _provider_user(provider_id: int, cache: dict[int, User]) -> User:
    if provider_id not in cache:
        user = db.session.scalar(sa.select(User).where(
            User.role == Role.PROVIDER, User.provider_id == provider_id).order_by(User.id))
        if user is None:
            provider = db.session.get(Provider, provider_id)
            user = create_user(email=f"provider{provider_id}@demo.careprocure.cn",
                               password=DEMO_PASSWORD, role="provider",
                               name=provider.contact_name or provider.name[:20],
                               provider_id=provider_id, locale="zh_CN")
        cache[provider_id] = user
    return cache[provider_id]


class _Filler:
    """Fills and submits inspections with realistic answers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.photo = self._jpeg()
        #: inspections filled since the last failed veto: the demo always shows a few, however
        #: the dice fall when a template's list of vetoes changes
        self.since_veto = 0

    @staticmethod
    def _jpeg() -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (96, 72), (176, 196, 160)).save(out, "JPEG")
        return out.getvalue()

    def answers(self, inspection: Inspection) -> list[dict]:
        rng = self.rng
        profile = rng.choices([p for p, _w in PROFILES], [w for _p, w in PROFILES])[0]
        full = FULL_MARKS[profile]
        critical = [item for item in inspection.template.items if item.critical]
        unlucky = rng.random() < CRITICAL_FAIL or self.since_veto >= VETO_AT_LEAST_EVERY
        vetoed = rng.choice(critical) if critical and unlucky else None
        self.since_veto = 0 if vetoed is not None else self.since_veto + 1
        result = []
        for item in inspection.template.items:
            if item.allow_na and rng.random() < NA_CHANCE and item is not vetoed:
                result.append({"item_id": item.id, "na": True})
                continue
            good = item is not vetoed and (item.critical or rng.random() < full)
            answer: dict = {"item_id": item.id}
            if item.kind == "yes_no":
                answer["yes"] = good
            elif item.kind == "reading":
                answer["reading"] = str(_demo_reading(item, good, rng))
            else:
                top = int(Decimal(item.max_points) * 2)
                half_steps = top if good else rng.randint(0, top - 1)
                answer["points"] = str(Decimal(half_steps) / 2)
            if not good:
                answer["note"] = rng.choice(NOTES)
            result.append(answer)
        return result

    def fill(self, inspection: Inspection, *, submit: bool) -> Inspection:
        inspector = inspection.inspector
        answers = self.answers(inspection)
        inspections.save_answers(inspection, version=inspection.version, answers=answers,
                                 actor=inspector)
        if not submit:
            return inspection
        for item in missing_evidence(inspection):
            add_photo(inspection, item, FileStorage(stream=io.BytesIO(self.photo),
                                                    filename="现场照片.jpg"), inspector)
        return inspections.submit_inspection(inspection, actor=inspector)


def _raise_actions(inspection: Inspection, rng: random.Random) -> list[CorrectiveAction]:
    """The inspector turns the red findings and a few others into actions."""
    if inspection.provider_id is None:
        return []
    suggestions = suggest_actions(inspection)
    chosen = [s for s in suggestions if s.severity.value == "red"]
    others = [s for s in suggestions if s.severity.value != "red"]
    chosen += rng.sample(others, min(len(others), rng.randint(0, 2)))
    if not chosen:
        return []
    return create_actions_from_inspection(
        inspection, [{"item_id": s.item.id} for s in chosen], actor=inspection.inspector)


def _run_campaign(*, name: str, code: str, recurrence: str, root: Region,
                  window: tuple[date, date], inspectors: list[User], officer: User | None, today: date,
                  rng: random.Random, filler: _Filler) -> list[CorrectiveAction]:
    template = current_template(code)
    if template is None:
        return []
    with _on(window[0] - timedelta(days=20)):
        campaign = campaigns.create_campaign(
            name=name, template=template, region=root,
            facility_kinds=["elderly_home", "rural_home", "child_welfare"],
            window_start=window[0], window_end=window[1], inspectors=inspectors,
            assignment="by_region", recurrence=recurrence, actor=officer)
    raised: list[CorrectiveAction] = []
    for inspection in list(campaign.inspections):
        day = inspection.scheduled_for
        if day >= today:
            continue  # still ahead: stays scheduled
        if day >= today - timedelta(days=3) and rng.random() < 0.5:
            with _on(day):
                filler.fill(inspection, submit=False)  # being filled in
            continue
        with _on(day, 11):
            filler.fill(inspection, submit=True)
        with _on(day, 16):
            raised += _raise_actions(inspection, rng)
        if day + timedelta(days=4) < today:
            with _on(day + timedelta(days=4)):
                inspections.finalize_inspection(inspection, actor=officer)
    return raised


def _report(action: CorrectiveAction, provider_user: User, rng: random.Random) -> None:
    """The provider's rectification report, completed today (the seed's clock)."""
    rectification.answer_action(action, response=rng.choice(ANSWERS), actor=provider_user,
                                cause=rng.choice(CAUSES), responsible_person="张主任",
                                completed_on=clock.today())


def _play_actions(raised: list[CorrectiveAction], today: date, officer: User | None,
                  rng: random.Random) -> None:
    """Move the actions through their lives so that every state appears."""
    if officer is None:
        return
    users: dict[int, User] = {}
    past = [a for a in raised if a.deadline < today]
    current = [a for a in raised if a.deadline >= today]
    for index, action in enumerate(past):
        fate = ["closed", "closed", "overdue", "reopened", "closed", "answered"][index % 6]
        if fate == "overdue":
            continue  # never answered: overdue
        provider_user = _provider_user(action.provider_id, users)
        with _on(action.deadline - timedelta(days=2)):
            _report(action, provider_user, rng)
        if fate == "answered":
            continue
        with _on(action.deadline + timedelta(days=1)):
            if fate == "reopened":
                actions.reopen_action(action, reason=rng.choice(REOPEN_REASONS), actor=officer,
                                      deadline=action.deadline + timedelta(days=15))
            else:
                actions.close_action(action, actor=officer, note="整改到位，同意销号。")
    for index, action in enumerate(current):
        if index % 2 == 1:
            provider_user = _provider_user(action.provider_id, users)
            _report(action, provider_user, rng)


@seed_step("templates")
def seed_templates() -> None:
    seed_builtin_templates()


@seed_step("inspections", after=("contracts", "templates"))
def seed_campaigns_and_actions() -> None:
    if db.session.scalar(sa.select(sa.func.count(Campaign.id))):
        return
    facilities = list(db.session.scalars(sa.select(Facility).order_by(Facility.id)))
    if not facilities:
        return
    rng = random.Random(SEED)
    today = clock.today()
    root = _root_region(facilities)
    inspectors = _inspectors(root)
    officer = _officer(root)
    filler = _Filler(rng)
    november = _last_november(today)
    raised = _run_campaign(name=f"{november[0].year}年冬暖工程专项检查", code="warm_winter",
                           recurrence="yearly", root=root, window=november, inspectors=inspectors,
                           officer=officer, today=today, rng=rng, filler=filler)
    safety_window = (today - timedelta(days=40), today + timedelta(days=20))
    raised += _run_campaign(name=f"{today.year}年平安工程安全检查", code="safety",
                            recurrence="none", root=root,
                            window=safety_window, inspectors=inspectors, officer=officer,
                            today=today, rng=rng, filler=filler)
    _play_actions(raised, today, officer, rng)
    _plan_survey_window_and_centre(root, inspectors, officer, today)
    db.session.flush()


def _plan_survey_window_and_centre(root: Region, inspectors: list[User], officer: User | None,
                                   today: date) -> None:
    """The next three-week survey window's evaluation of the household-survey contracts, and
    an assessment of the child welfare centre with its own template, both still ahead."""
    template = current_template("survey_service")
    start, end = next(window for window in survey_windows(today.year) +
                      survey_windows(today.year + 1) if window[0] > today)
    # no running survey contract, or none an inspector covers: nothing to plan
    with contextlib.suppress(ValidationError):
        if template is not None:
            campaigns.create_campaign(
                name=f"{start.year}年入户调查服务三周工作法评估", template=template, region=root,
                service_types=["household_survey"], window_start=start, window_end=end,
                inspectors=inspectors, recurrence="survey_windows", actor=officer)
    centre = db.session.scalar(sa.select(Facility).where(Facility.kind == "child_welfare")
                               .order_by(Facility.id))
    template = current_template("child_welfare")
    inspector = next((i for i in inspectors if centre is not None and i.region is not None
                      and i.region.contains(centre.region)), None)
    if template is not None and inspector is not None:
        inspections.schedule_inspection(template=template, inspector=inspector,
                                        scheduled_for=today + timedelta(days=10),
                                        facility=centre, actor=officer)



def _demo_reading(item, good: bool, rng) -> Decimal:
    """A plausible measured value: up to 4 above the full-credit value when good, else up to
    3 below it (half credit or none)."""
    rule = item_rule(item)
    tenths = rng.randint(0, 40) if good else -rng.randint(1, 30)
    return min(rule.high, max(rule.low, rule.full_at + Decimal(tenths) / 10))
