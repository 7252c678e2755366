"""The contracts feature's part of the demo city 咸宁市: providers with qualifications,
welfare homes, procurements with bids, and about 80 contracts in every state.

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
from contracts.terms import add_years

K = ProviderKind
COUNTIES = ("421202", "421221", "421222", "421223", "421224", "421281")
#: registration prefix of the credit code (5x = civil affairs, 91 = company) per kind
PREFIX = {K.SOCIAL_ORG: "51", K.PRIVATE_NONPROFIT: "52", K.FOUNDATION: "53", K.COMPANY: "91"}
CERTIFICATE = {K.SOCIAL_ORG: "社会团体法人登记证书", K.PRIVATE_NONPROFIT: "民办非企业单位登记证书",
               K.FOUNDATION: "基金会法人登记证书", K.COMPANY: "营业执照"}

#: (name, kind, county, line of work: survey | care | children | other); the first one is
#: the organization of the demo provider user
DEMO_PROVIDERS: list[tuple[str, ProviderKind, str, str]] = [
    ("咸宁市阳光社会工作服务中心", K.PRIVATE_NONPROFIT, "421202", "survey"),
    ("咸安区启航社会工作服务中心", K.PRIVATE_NONPROFIT, "421202", "survey"),
    ("嘉鱼县益民社会救助服务社", K.SOCIAL_ORG, "421221", "survey"),
    ("崇阳县同心社会工作协会", K.SOCIAL_ORG, "421223", "survey"),
    ("赤壁市守望社会工作服务中心", K.PRIVATE_NONPROFIT, "421281", "survey"),
    ("通城县隽水社会工作服务中心", K.PRIVATE_NONPROFIT, "421222", "survey"),
    ("通山县九宫社会工作服务社", K.PRIVATE_NONPROFIT, "421224", "survey"),
    ("嘉鱼县鱼岳社会工作服务中心", K.PRIVATE_NONPROFIT, "421221", "survey"),
    ("咸宁市社会工作协会", K.SOCIAL_ORG, "421202", "survey"),
    ("赤壁市蒲圻社会组织服务中心", K.PRIVATE_NONPROFIT, "421281", "survey"),
    ("崇阳县天城社会工作服务中心", K.PRIVATE_NONPROFIT, "421223", "survey"),
    ("咸宁市温泉心理咨询服务中心", K.PRIVATE_NONPROFIT, "421202", "other"),
    ("咸安区康乐养老服务中心", K.PRIVATE_NONPROFIT, "421202", "care"),
    ("通城县仁爱养老服务有限公司", K.COMPANY, "421222", "care"),
    ("赤壁市颐和健康养老有限公司", K.COMPANY, "421281", "care"),
    ("咸宁市福寿康养老服务有限公司", K.COMPANY, "421202", "care"),
    ("嘉鱼县夕阳红养老服务中心", K.PRIVATE_NONPROFIT, "421221", "care"),
    ("崇阳县松柏园养老服务有限公司", K.COMPANY, "421223", "care"),
    ("通山县颐养之家养老服务中心", K.PRIVATE_NONPROFIT, "421224", "care"),
    ("湖北长乐康养产业有限公司", K.COMPANY, "421202", "care"),
    ("咸宁市安康护理院有限公司", K.COMPANY, "421202", "care"),
    ("赤壁市陆水湖颐养服务中心", K.PRIVATE_NONPROFIT, "421281", "care"),
    ("嘉鱼县簰洲湾老年公寓服务中心", K.PRIVATE_NONPROFIT, "421221", "care"),
    ("通城县幸福里居家养老服务中心", K.PRIVATE_NONPROFIT, "421222", "care"),
    ("崇阳县桂花泉敬老服务中心", K.PRIVATE_NONPROFIT, "421223", "care"),
    ("咸宁市温泉颐康物业管理有限公司", K.COMPANY, "421202", "survey"),
    ("咸宁市童心儿童服务中心", K.PRIVATE_NONPROFIT, "421202", "children"),
    ("赤壁市春苗儿童关爱服务中心", K.PRIVATE_NONPROFIT, "421281", "children"),
    ("通山县护苗社会工作服务中心", K.PRIVATE_NONPROFIT, "421224", "children"),
    ("嘉鱼县明德青少年服务中心", K.PRIVATE_NONPROFIT, "421221", "children"),
    ("崇阳县希望家园儿童服务中心", K.PRIVATE_NONPROFIT, "421223", "children"),
    ("通山县福泽慈善基金会", K.FOUNDATION, "421224", "other"),
    ("咸宁市慈善总会", K.SOCIAL_ORG, "421202", "other"),
    ("赤壁市博爱慈善基金会", K.FOUNDATION, "421281", "other"),
    ("咸宁市关爱老人公益基金会", K.FOUNDATION, "421202", "other"),
    ("咸宁市助残康复服务中心", K.PRIVATE_NONPROFIT, "421202", "other"),
    ("通城县金色晚年志愿者协会", K.SOCIAL_ORG, "421222", "other"),
    ("湖北楚善社会服务有限公司", K.COMPANY, "421202", "other"),
    ("嘉鱼县惠民家政服务有限公司", K.COMPANY, "421221", "care"),
    ("咸安区邻里守望志愿服务协会", K.SOCIAL_ORG, "421202", "other"),
]
#: qualifications ending soon (days from today) and already ended (negative)
EXPIRING = {5: 12, 16: 25, 28: 41, 35: 57}
EXPIRED = {30: -45, 39: -120}
#: statuses set after the contracts: index → (status, reason)
STATUS_CHANGES = {
    23: ("suspended", "年度检查不合格，暂停承接新项目，限期六个月整改。"),
    37: ("suspended", "未按合同约定配备持证社会工作者，责令整改。"),
    38: ("suspended", "被市场监督管理部门列入经营异常名录。"),
    25: ("debarred", "在入户调查中虚报服务数据，列入政府采购严重违法失信行为记录名单。"),
    9: ("debarred", "投标时提供虚假业绩材料谋取中标。"),
}

#: (name, kind, township or street code, wards {self_care, semi_disabled, disabled})
FACILITIES: list[tuple[str, str, str, tuple[int, int, int]]] = [
    ("咸宁市社会福利院", "elderly_home", "421202003", (120, 80, 60)),
    ("咸宁市儿童福利院", "child_welfare", "421202001", (50, 0, 100)),
    ("咸安区社会福利院", "elderly_home", "421202002", (90, 60, 40)),
    ("嘉鱼县社会福利院", "elderly_home", "421221100", (80, 50, 30)),
    ("通城县社会福利院", "elderly_home", "421222100", (70, 50, 30)),
    ("崇阳县社会福利院", "elderly_home", "421223100", (80, 40, 30)),
    ("通山县社会福利院", "elderly_home", "421224100", (60, 40, 20)),
    ("赤壁市社会福利院", "elderly_home", "421281002", (100, 60, 40)),
]
RURAL_TOWNSHIPS = ("421202101", "421202103", "421202105", "421202108", "421202200",
                   "421221102", "421221104", "421221107", "421222101", "421222104",
                   "421222200", "421223101", "421223104", "421223200", "421224102",
                   "421224104", "421224200", "421281101", "421281104", "421281106",
                   "421281109", "421281200")

HS_TITLE = "{year}年{place}困难群众家庭经济状况入户调查服务"
EC_TITLES = ("{year}年{place}困境儿童委托照料服务", "{year}年{place}孤儿及事实无人抚养儿童关爱服务")
OT_TITLES = (("{year}年{place}社会救助政策宣传服务", {"events": 24}),
             ("{year}年{place}特困人员照料护理能力培训", {"trainees": 300}),
             ("{year}年{place}低保对象动态复核辅助服务", {"reviews": 2000}),
             ("{year}年{place}残疾人居家康复服务", {"visits": 1200}))


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
            issuer = ("市场监督管理局" if kind is K.COMPANY else "民政局")
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
        end = add_years(start, years) - timedelta(days=1)
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
        if status == "completed":
            step = services.transition_contract(contract, "completed", actor=self.actor)
            step.at = self.moment(min(contract.end_date + timedelta(days=5), self.today))
        elif status in ("suspended", "terminated"):
            step = services.transition_contract(contract, status, actor=self.actor,
                                                reason=reason)
            step.at = self.moment(self.today - timedelta(days=self.rng.randint(3, 40)))
        for installment in contract.installments:
            if installment.due_date > self.today - timedelta(days=5):
                break
            share = (Decimal(self.rng.choice([88, 92, 95, 100])) / 100
                     if installment.performance_linked else Decimal(1))
            services.record_payment(installment, (installment.amount * share).quantize(
                Decimal("0.01")), paid_at=self.moment(installment.due_date + timedelta(days=3)))

    def seed_operations(self) -> None:
        """公建民营: the homes run by providers; one operator at a time per home."""
        for index, facility in enumerate(self.facilities[:22]):
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
            self.contract(service_type="entrusted_care", provider=provider, region=county,
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
        _, bids = tender("single_source", f"{self.today.year}年咸宁市儿童福利院康复特教服务",
                         "entrusted_care", "421202", 650_000, [self.providers[26]],
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
                                "entrusted_care", "421221", 300_000, [self.providers[29]])
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
    seeder.seed_procurements()
    seeder.seed_amendments()
    seeder.seed_statuses()
    db.session.flush()
    if get_by_email("provider@demo.careprocure.cn") is None:
        create_user(email="provider@demo.careprocure.cn", password=DEMO_PASSWORD,
                    role="provider", name="陈静", provider_id=seeder.providers[0].id,
                    locale="zh_CN")
