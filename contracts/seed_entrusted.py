"""The demo's entrusted-care arrangement (委托代养): two counties whose child-welfare
institutions are weak entrust their orphans to the city's child welfare centre, run by the
bureau itself; the centre's own legal entity (a public institution, credit code 12…) is the
provider that raises them. Part of the contracts step (``contracts.seed``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from contracts import services
from contracts.credit_code import make_credit_code
from contracts.seed_data import CENTRE, EC_TITLE, ENTRUSTING


def seed_entrusted_care(seeder: Any) -> None:
    """The centre's provider and one active contract per entrusting county for this year."""
    centre = next(f for f in seeder.facilities if f.name == CENTRE)
    entity = services.create_provider(
        name=CENTRE, kind="other", credit_code=make_credit_code("12", "421202", "42120001"),
        contact_name="王丽", contact_phone="0715-8126001", contact_email="centre@example.cn",
        address=centre.address)
    services.add_qualification(entity, cert_type="事业单位法人证书", number=entity.credit_code,
                               issuer="咸宁市事业单位登记管理局", valid_until=seeder.day(900))
    seeder.providers.append(entity)
    start = date(seeder.today.year, 1, 1)
    for county, children in ENTRUSTING.items():
        seeder.contract(service_type="entrusted_care", provider=entity, region=county,
                        facility=centre, start=start, amount=Decimal(children * 2600 * 12),
                        title=EC_TITLE.format(year=start.year, place=seeder.place(county)),
                        targets={"children": children})
