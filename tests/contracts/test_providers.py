"""Providers: credit codes, status with reasons, qualifications."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.errors import Conflict, ValidationError
from contracts import services
from contracts.credit_code import (
    InvalidCreditCode,
    make_credit_code,
    org_code_check_char,
    validate_credit_code,
)
from contracts.models import ProviderStatus

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALID = [make_credit_code("52", "421202", "12345678"), make_credit_code("91", "421281", "MA4C0X7Q"),
         make_credit_code("51", "100100", "00000001")]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert validate_credit_code(code) == code


@pytest.mark.parametrize("code", VALID)
def test_any_single_character_change_fails(code):
    for position in range(18):
        for char in ALPHABET:
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1:]
            with pytest.raises(InvalidCreditCode):
                validate_credit_code(changed)


def test_wrong_organization_check_character_fails_even_with_a_valid_final_check():
    from stdnum.cn import uscc

    body = "12345678"
    wrong = next(c for c in "0123456789X" if c != org_code_check_char(body))
    head = "52421202" + body + wrong
    code = head + uscc.calc_check_digit(head)
    with pytest.raises(InvalidCreditCode, match="organization code"):
        validate_credit_code(code)
    with pytest.raises(ValidationError) as caught:
        services.create_provider(name="错码组织", credit_code=code, kind="social_org")
    assert "credit_code" in caught.value.fields


def test_duplicate_credit_code_is_refused_naming_the_field(db):
    services.create_provider(name="甲", credit_code=VALID[0], kind="social_org")
    with pytest.raises(Conflict) as caught:
        services.create_provider(name="乙", credit_code=VALID[0].lower(), kind="company")
    assert "already" in caught.value.fields["credit_code"][0]


def test_update_keeps_own_code_and_validates_others(db):
    p = services.create_provider(name="甲", credit_code=VALID[0], kind="social_org",
                                 contact_email="a@example.cn", address="咸宁市")
    services.update_provider(p, credit_code=VALID[0], name="甲2")
    assert p.name == "甲2"
    with pytest.raises(ValidationError) as caught:
        services.update_provider(p, kind="bank", credit_code="123")
    assert set(caught.value.fields) == {"kind", "credit_code"}


def test_status_change_needs_a_reason_and_is_audited(db, make_provider):
    provider = make_provider()
    with pytest.raises(ValidationError) as caught:
        services.set_provider_status(provider, "suspended", "  ")
    assert "reason" in caught.value.fields
    services.set_provider_status(provider, ProviderStatus.DEBARRED, "虚报服务数量")
    db.session.commit()
    assert provider.status is ProviderStatus.DEBARRED and provider.status_reason == "虚报服务数量"
    row = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "providers", AuditLog.action == "update")).all()[-1]
    assert row.changes["status"] == ["active", "debarred"]
    assert row.changes["status_reason"][1] == "虚报服务数量"


def test_qualification_checks_and_expiry_flags(db, make_provider):
    provider = make_provider()
    other = make_provider()
    assert not services.has_valid_qualification(provider, date(2026, 3, 1))
    soon = services.add_qualification(provider, cert_type="登记证书", number="A1",
                                      valid_until=date(2026, 4, 30))
    services.add_qualification(provider, cert_type="备案回执", number="B2",
                               valid_until=date(2027, 1, 1))
    last_day = services.add_qualification(other, cert_type="登记证书", number="C3",
                                          valid_until=date(2026, 2, 28))
    assert services.has_valid_qualification(provider, date(2026, 4, 30))
    today = date(2026, 3, 1)
    assert services.expiring_qualifications(today) == [soon]  # 60 days: up to 2026-04-30
    assert services.is_expiring(soon, today)
    assert services.expiring_qualifications(date(2026, 2, 28), within_days=0) == [last_day]
    assert services.has_valid_qualification(other, date(2026, 2, 28))
    assert not services.has_valid_qualification(other, today)  # expired the day before
    with pytest.raises(ValidationError) as caught:
        services.add_qualification(provider, cert_type="", number="X", valid_until="2026-13-01")
    assert set(caught.value.fields) == {"cert_type", "valid_until"}
