"""The contracts feature's part of the demo city: its providers and the demo provider user."""

from __future__ import annotations

import random

from app.demo.seed import DEMO_PASSWORD, seed_step
from app.extensions import db
from app.users.services import create_user, get_by_email
from contracts.credit_code import make_credit_code
from contracts.models import Provider, ProviderKind

#: (name, kind, registration prefix: 5 = civil affairs + 1/2/3 org type, or 91 = company)
DEMO_PROVIDERS = [
    ("咸宁市阳光社会工作服务中心", ProviderKind.PRIVATE_NONPROFIT, "52", "421202"),
    ("咸安区康乐养老服务中心", ProviderKind.PRIVATE_NONPROFIT, "52", "421202"),
    ("嘉鱼县益民社会救助服务社", ProviderKind.SOCIAL_ORG, "51", "421221"),
    ("通城县仁爱养老服务有限公司", ProviderKind.COMPANY, "91", "421222"),
    ("崇阳县同心社会工作协会", ProviderKind.SOCIAL_ORG, "51", "421223"),
    ("通山县福泽慈善基金会", ProviderKind.FOUNDATION, "53", "421224"),
    ("赤壁市颐和健康养老有限公司", ProviderKind.COMPANY, "91", "421281"),
    ("赤壁市守望社会工作服务中心", ProviderKind.PRIVATE_NONPROFIT, "52", "421281"),
]


@seed_step
def seed_providers() -> None:
    rng = random.Random(421200)
    providers = []
    for name, kind, prefix, region in DEMO_PROVIDERS:
        body = "".join(rng.choice("0123456789") for _ in range(8))
        providers.append(Provider(
            name=name, kind=kind, credit_code=make_credit_code(prefix, region, body),
            contact_name=rng.choice(["刘芳", "杨帆", "周敏", "吴磊", "黄丽"]),
            contact_phone=f"0715-{rng.randint(8000000, 8999999)}",
        ))
    db.session.add_all(providers)
    db.session.flush()
    if get_by_email("provider@demo.careprocure.cn") is None:
        create_user(email="provider@demo.careprocure.cn", password=DEMO_PASSWORD,
                    role="provider", name="陈静", provider_id=providers[0].id, locale="zh_CN")
