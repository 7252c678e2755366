"""The contracts feature's step of the demo city 咸宁市: providers with qualifications,
welfare homes, procurements with bids, and about 80 contracts in every state, made from the
fixed data of :mod:`contracts.seed_data`.

Everything goes through :mod:`contracts.services`, so the demo obeys the same rules as real
data (credit codes, qualifications for awards, no overlapping facility operations, payment
schedules summing to 100 %). Deterministic (a seeded ``random.Random``); dates are relative to
``clock.today()``. Runs once per empty database (``seed_demo`` checks the city) and does
nothing if providers already exist.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app import clock
from app.demo.seed import DEMO_PASSWORD, seed_step
from app.extensions import db
from app.regions.services import get_by_code
from app.users.services import create_user, get_by_email
from contracts import services
from contracts.credit_code import make_credit_code
from contracts.models import Contract, Facility, Provider, ProviderKind
from contracts.seed_data import (
    CERTIFICATE,
    COUNTIES,
    DEMO_PROVIDERS,
    EC_TITLES,
    EXPIRED,
    EXPIRING,
    FACILITIES,
    HS_TITLE,
    OT_TITLES,
    PREFIX,
    RURAL_TOWNSHIPS,
    STATUS_CHANGES,
)
from contracts.seed_entrusted import seed_entrusted_care
from contracts.term_length import term_end


class _Seeder:
    def __init__(self) -> None:
        self.rng = random.Random(421200)
        self.today = clock.today()
        self.actor = get_by_email("officer@demo.careprocure.cn")
        self.regions = {code: get_by_code(code) for code in COUNTIES}
        self.providers: list[Provider] = []
        self.by_line: dict[str, list[Provider]] = {}
        self.facilities: list[Facility] = []

    # ---- helpers ------------------------------------------------------------------------
    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def money(self, low: int, high: int, step: int = 1000) -> Decimal:
        return Decimal(self.rng.randrange(low, high + 1, step))

    @staticmethod
    def moment(day: date) -> datetime:
        return datetime.combine(day, time(10, 0), tzinfo=clock.LOCAL_TZ).astimezone(UTC)

    def place(self, region_code: str) -> str:
        return get_by_code(region_code).name

    # ---- providers ----------------------------------------------------------------------
    def seed_providers(self) -> None:
        names = ["刘芳", "杨帆", "周敏", "吴磊", "黄丽", "陈刚", "徐婷", "孙浩", "胡静", "郑强"]
        for index, (name, kind, county, line) in enumerate(DEMO_PROVIDERS):
            body = f"{self.rng.randrange(10**7, 10**8)}"
            provider = services.create_provider(
                name=name, kind=kind,
                credit_code=make_credit_code(PREFIX[kind], county, body),
                contact_name=self.rng.choice(names),
                contact_phone=f"0715-{self.rng.randint(8000000, 8999999)}",
                contact_email=f"contact{index + 1:02d}@example.cn",
                address=f"{self.place(county)}{self.rng.choice(['金桂路', '温泉路', '长江路', '银泉大道', '淦河大道'])}{self.rng.randint(1, 299)}号")
            issuer = ("市场监督管理局" if kind is ProviderKind.COMPANY else "民政局")
            valid_until = self.day(EXPIRING.get(index) or EXPIRED.get(index)
                                   or self.rng.randint(400, 1800))
            services.add_qualification(provider, cert_type=CERTIFICATE[kind],
                                       number=provider.credit_code,
                                       issuer=f"{self.place(county)}{issuer}",
                                       valid_until=valid_until)
            if line == "care":
                services.add_qualification(provider, cert_type="养老机构备案回执",
                                           number=f"鄂养备{county}{index:04d}",
                                           issuer=f"{self.place(county)}民政局", valid_until=None)
            self.providers.append(provider)
            self.by_line.setdefault(line, []).append(provider)

    def pick(self, line: str, county: str | None = None, avoid: tuple = ()) -> Provider:
        """A provider of that line, preferring one of the county; never one that will be
        suspended/debarred unless asked for."""
        banned = {self.providers[i].id for i in STATUS_CHANGES} | {p.id for p in avoid}
        pool = [p for p in self.by_line[line] if p.id not in banned]
        local = [p for p in pool if p.credit_code[2:8] == county]
        return self.rng.choice(local or pool)

    # ---- facilities ---------------------------------------------------------------------
    def seed_facilities(self) -> None:
        rural = [(f"{self.place(code)}中心敬老院" if i % 3 == 0 else f"{self.place(code)}敬老院",
                  "rural_home", code,
                  (self.rng.randint(30, 70), self.rng.randint(10, 30), self.rng.randint(0, 12)))
                 for i, code in enumerate(RURAL_TOWNSHIPS)]
        for name, kind, code, (own, semi, dis) in FACILITIES + rural:
            wards = {"self_care": own, "semi_disabled": semi, "disabled": dis}
            self.facilities.append(services.create_facility(
                name=name, kind=kind, region=code,
                address=f"{self.place(code)}{self.rng.choice(['福利路', '康宁路', '敬老路', '中心街'])}{self.rng.randint(1, 99)}号",
                wards=wards, beds=own + semi + dis + (10 if kind == "elderly_home" else 0),
                opened_on=date(self.rng.randint(1985, 2018), self.rng.randint(1, 12), 1)))

    # ---- contracts ----------------------------------------------------------------------
    def contract(self, *, service_type: str, title: str, provider: Provider, region: Any,
                 start: date, years: int = 1, amount: Decimal, targets: dict,
                 status: str = "active", facility: Facility | None = None,
                 reason: str = "", schedule: str = "default",
                 reporting: str = "monthly") -> Contract:
        end = term_end(start, years)
        installments = None
        if schedule == "thirds":
            installments = [{"share_percent": "30", "due_date": start},
                            {"share_percent": "40", "due_date": start + timedelta(days=182)},
                            {"share_percent": "30", "due_date": end + timedelta(days=30)}]
        contract = services.create_contract(
            title=title, service_type=service_type, provider=provider, region=region,
            start_date=start, end_date=end, amount=amount, targets=targets,
            facility=facility, installments=installments, reporting=reporting,
            actor=self.actor)
        self.move(contract, status, reason)
        return contract

    def move(self, contract: Contract, status: str, reason: str = "") -> None:
        """Take a draft to ``status`` the way an officer would, paying what fell due."""
        if status == "draft":
            return
        step = services.transition_contract(contract, "active", actor=self.actor)
        step.at = self.moment(min(contract.start_date, self.today))
        contract.activated_on = min(contract.start_date, self.today)
        if status == "completed":
            step = services.transition_contract(contract, "completed", actor=self.actor)
            step.at = self.moment(min(contract.end_date + timedelta(days=5), self.today))
        elif status in ("suspended", "terminated"):
            step = services.transition_contract(contract, status, actor=self.actor,
                                                reason=reason)
            step.at = self.moment(self.today - timedelta(days=self.rng.randint(3, 40)))
            day = step.at.astimezone(clock.LOCAL_TZ).date()
            if status == "terminated":
                contract.terminated_on = day
            else:
                contract.suspensions = [[day.isoformat(), None]]
        for installment in contract.installments:
            if installment.due_date > self.today - timedelta(days=5):
                break
            if installment.performance_linked:
                # paid only on an officer's payment decision, which the demo leaves to be made
                # (it shows among the decisions due); the draw that set its share is kept, so
                # the rest of the demo stays as it was
                self.rng.choice([88, 92, 95, 100])
                break
            services.record_payment(installment, installment.amount,
                                    paid_at=self.moment(installment.due_date + timedelta(days=3)))

    def seed_operations(self) -> None:
        """公建民营: the homes run by providers; one operator at a time per home. The child
        welfare centre is run by the bureau itself."""
        for index, facility in enumerate(self.facilities[:22]):
            if facility.kind.value == "child_welfare":
                continue
            county = facility.region.code[:6]
            provider = self.pick("care", county)
            per_year = max(300_000, min(3_000_000, facility.beds * self.rng.randint(5500, 9000)))

            def amount(years: int, per_year: int = per_year) -> Decimal:
                return Decimal(per_year * years // 1000 * 1000)

            targets = {"beds": facility.beds, "occupancy": self.rng.choice([70, 75, 80, 85, 90])}
            title = "{year}年{name}公建民营运营服务"
            if index < 8:  # a finished first term, then the current one
                start = self.day(-self.rng.randint(400, 600))
                first = self.contract(service_type="facility_operation", title=title.format(
                    year=start.year, name=facility.name), provider=provider, region=county,
                    facility=facility, start=start, amount=amount(1), targets=targets,
                    status="completed", reporting="quarterly")
                start = first.end_date + timedelta(days=1)
                self.contract(service_type="facility_operation", title=title.format(
                    year=start.year, name=facility.name), provider=provider, region=county,
                    facility=facility, start=start, years=2, amount=amount(2), targets=targets,
                    schedule="thirds", reporting="quarterly")
                continue
            status, reason, start, years = "active", "", self.day(-self.rng.randint(20, 330)), 1
            if index in (16, 17):
                status, start = "draft", self.day(self.rng.randint(30, 90))
            elif index == 18:
                status, reason = "suspended", "消防安全检查不合格，停业整改期间暂停履行。"
            elif index == 19:
                status, reason = "terminated", "承接方经营困难，双方协商一致解除合同。"
            elif index in (20, 21):
                continue  # procured below
            elif index % 3 == 0:
                years = 3
            self.contract(service_type="facility_operation", title=title.format(
                year=start.year, name=facility.name), provider=provider, region=county,
                facility=facility, start=start, years=years, amount=amount(years),
                targets=targets, status=status, reason=reason, reporting="quarterly")

    def seed_surveys(self) -> None:
        demo = self.providers[0]
        for county in COUNTIES:
            provider = demo if county == "421202" else self.pick("survey", county)
            last = date(self.today.year - 1, 1, 1)
            self.contract(service_type="household_survey", provider=provider, region=county,
                          title=HS_TITLE.format(year=last.year, place=self.place(county)),
                          start=last, amount=self.money(150_000, 600_000),
                          targets={"households": self.rng.randrange(2000, 6000, 100)},
                          status="completed")
            this = date(self.today.year, 1, 1)
            self.contract(service_type="household_survey", provider=provider, region=county,
                          title=HS_TITLE.format(year=this.year, place=self.place(county)),
                          start=this, amount=self.money(150_000, 600_000),
                          targets={"households": self.rng.randrange(2000, 6000, 100)})
            following = date(self.today.year + 1, 1, 1)
            if county in ("421202", "421223", "421281"):
                self.contract(service_type="household_survey", provider=provider, region=county,
                              title=HS_TITLE.format(year=following.year,
                                                    place=self.place(county)),
                              start=following, amount=self.money(150_000, 600_000),
                              targets={"households": self.rng.randrange(2000, 6000, 100)},
                              status="draft")
        townships = ("421202101", "421202104", "421221103", "421222102", "421223105",
                     "421224101", "421281102", "421281105", "421221105", "421222105",
                     "421223102", "421224105")
        for i, code in enumerate(townships):
            provider = demo if i == 0 else self.pick("survey", code[:6])
            start = self.day(-self.rng.randint(60, 250))
            status = {5: "suspended"}.get(i, "active")
            self.contract(service_type="household_survey", provider=provider, region=code,
                          title=HS_TITLE.format(year=start.year, place=self.place(code)),
                          start=start, amount=self.money(80_000, 200_000),
                          targets={"households": self.rng.randrange(500, 1500, 50)},
                          status=status, reason="调查员未按规定入户，抽查不合格率超过10%，暂停整改。")
        # the contract behind a debarment
        cheat = self.providers[25]
        start = self.day(-300)
        self.contract(service_type="household_survey", provider=cheat, region="421202",
                      title=HS_TITLE.format(year=start.year, place="咸安区汀泗桥镇"),
                      start=start, amount=Decimal("96000"), targets={"households": 800},
                      status="terminated",
                      reason="抽查发现大量入户调查记录系虚构，依约解除合同并报送失信记录。")

    def seed_care_and_other(self) -> None:
        for i, county in enumerate(COUNTIES + ("421202", "421281", "421221", "421222", "421224")):
            provider = self.pick("children", county)
            if i == 0:
                provider = self.providers[0]
            status = ("completed" if i in (6, 7) else "draft" if i == 8
                      else "suspended" if i == 4 else "active")
            start = (date(self.today.year - 1, 3, 1) if status == "completed"
                     else self.day(45) if status == "draft" else self.day(-self.rng.randint(30, 300)))
            # care for children in difficulty bought from social organisations ("other"):
            # entrusted care proper is the centre's, in seed_entrusted_care
            self.contract(service_type="other", provider=provider, region=county,
                          title=EC_TITLES[i % 2].format(year=start.year, place=self.place(county)),
                          start=start, amount=self.money(100_000, 800_000),
                          targets={"children": self.rng.randint(10, 60)}, status=status,
                          reason="照料人员流动频繁，服务记录缺失，暂停并限期整改。")
        states = ("active", "active", "completed", "active", "draft", "terminated", "active",
                  "completed", "active", "active")
        for i, status in enumerate(states):
            county = COUNTIES[i % len(COUNTIES)]
            title, targets = OT_TITLES[i % len(OT_TITLES)]
            start = (date(self.today.year - 1, 4, 1) if status == "completed"
                     else self.day(30) if status == "draft" else self.day(-self.rng.randint(30, 200)))
            self.contract(service_type="other", provider=self.pick("other", county),
                          region=county, title=title.format(year=start.year,
                                                            place=self.place(county)),
                          start=start, amount=self.money(50_000, 300_000), targets=targets,
                          status=status, reason="承接方核心团队解散，无法继续提供服务。")

    # ---- procurement --------------------------------------------------------------------
    def seed_procurements(self) -> None:
        award_day = self.day(-40)
        published, deadline = self.day(-75), self.day(-50)

        def tender(method: str, title: str, service_type: str, region: str, budget: int,
                   bidders: list[Provider], facility: Facility | None = None,
                   justification: str = "", published_on: date = published,
                   bid_deadline: date = deadline):
            procurement = services.create_procurement(
                title=title, service_type=service_type, region=region, budget=budget,
                method=method, justification=justification, facility=facility,
                published_on=published_on, bid_deadline=bid_deadline, actor=self.actor)
            bids = [services.submit_bid(procurement, provider=p,
                                        price=Decimal(budget * self.rng.randint(82, 99) // 100),
                                        technical_score=Decimal(self.rng.randint(70, 95)),
                                        notes="") for p in bidders]
            return procurement, bids

        def award(bid, targets: dict, activate: bool = True) -> None:
            contract = services.award_bid(bid, self.actor, today=award_day,
                                          start_date=award_day + timedelta(days=10))
            services.update_contract(contract, targets=targets, actor=self.actor)
            if activate:
                self.move(contract, "active")

        # 1. open tender, household survey, awarded to the best technical score
        county = "421224"
        _, bids = tender("open_tender", f"{self.today.year}年通山县农村低保入户核查服务",
                         "household_survey", county, 420_000,
                         [self.pick("survey", county, ()) for _ in range(1)]
                         + [self.providers[1], self.providers[2]])
        award(max(bids, key=lambda b: b.technical_score), {"households": 3200})
        # 2. competitive consultation for a home's operation, awarded
        home = self.facilities[20]
        _, bids = tender("competitive_consultation", f"{home.name}公建民营运营服务项目",
                         "facility_operation", home.region.code[:6], 900_000,
                         [self.providers[13], self.providers[17], self.providers[19]],
                         facility=home)
        award(bids[0], {"beds": home.beds, "occupancy": 80})
        # 3. single source with its justification, awarded, draft not yet signed
        _, bids = tender("single_source", f"{self.today.year}年咸宁市儿童福利中心康复特教服务",
                         "other", "421202", 650_000, [self.providers[26]],
                         justification="本市仅咸宁市童心儿童服务中心具备孤残儿童康复与特殊教育"
                                       "资质及持证康复师团队，且与福利院现有康复设备系统配套，"
                                       "无其他供应商可提供同等服务。")
        award(bids[0], {"children": 45}, activate=False)
        # 4. request for quotation, still open, bids in
        tender("request_for_quotation", f"{self.today.year + 1}年崇阳县社会救助政策宣传服务询价",
               "other", "421223", 120_000, [self.providers[32], self.providers[35]],
               published_on=self.day(-10), bid_deadline=self.day(12))
        # 5. open tender for another home, open for bids
        home = self.facilities[21]
        tender("open_tender", f"{home.name}公建民营运营服务招标", "facility_operation",
               home.region.code[:6], 1_200_000, [self.providers[14]], facility=home,
               published_on=self.day(-5), bid_deadline=self.day(20))
        # 6. cancelled
        procurement, _ = tender("competitive_consultation",
                                f"{self.today.year}年嘉鱼县困境儿童关爱服务竞争性磋商",
                                "other", "421221", 300_000, [self.providers[29]])
        services.cancel_procurement(procurement, "有效响应供应商不足三家，依法终止采购。")

    def seed_amendments(self) -> None:
        active = list(db.session.scalars(
            sa.select(Contract).where(Contract.status == "active",
                                      Contract.service_type != "facility_operation")
            .order_by(Contract.id)))
        reasons = [dict(amount=lambda c: (c.amount * Decimal("1.1")).quantize(Decimal("1")),
                        reason="服务对象增加，追加百分之十服务量。"),
                   dict(end_date=lambda c: c.end_date + timedelta(days=90),
                        reason="受汛期影响，服务期顺延三个月。"),
                   dict(targets=lambda c: {k: v * 11 // 10 for k, v in c.targets.items()},
                        reason="服务对象增加，相应提高服务指标。")]
        for contract, change in zip(active[::5], reasons, strict=False):
            reason = change.pop("reason")
            services.amend_contract(contract, reason=reason, actor=self.actor,
                                    **{field: fn(contract) for field, fn in change.items()})
        operations = list(db.session.scalars(
            sa.select(Contract).where(Contract.status == "active",
                                      Contract.service_type == "facility_operation")
            .order_by(Contract.id).limit(1)))
        for contract in operations:
            services.amend_contract(contract, reason="新增护理型床位，提高入住率目标。",
                                    actor=self.actor,
                                    targets=contract.targets | {"occupancy": 90})

    def seed_statuses(self) -> None:
        for index, (status, reason) in STATUS_CHANGES.items():
            provider = self.providers[index]
            services.set_provider_status(provider, status, reason)
            provider.status_changed_at = self.moment(self.today - timedelta(days=20 + index))


@seed_step("contracts")
def seed_contracts() -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Provider)):
        return  # real or earlier data: never mix the demo into it
    seeder = _Seeder()
    seeder.seed_providers()
    seeder.seed_facilities()
    seeder.seed_operations()
    seeder.seed_surveys()
    seeder.seed_care_and_other()
    seed_entrusted_care(seeder)
    seeder.seed_procurements()
    seeder.seed_amendments()
    seeder.seed_statuses()
    db.session.flush()
    if get_by_email("provider@demo.careprocure.cn") is None:
        create_user(email="provider@demo.careprocure.cn", password=DEMO_PASSWORD,
                    role="provider", name="陈静", provider_id=seeder.providers[0].id,
                    locale="zh_CN")
