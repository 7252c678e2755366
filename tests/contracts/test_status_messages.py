"""Messages naming a status show its translated label (履行中, 已暂停 …), never the code."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from app.errors import DomainError
from contracts import services
from contracts.households.services import import_households

CODES = ("draft", "active", "suspended", "completed", "terminated", "debarred", "cancelled")


def _message(call) -> str:
    """The error's message and field messages, rendered in zh_CN."""
    with pytest.raises(DomainError) as caught:
        call()
    error = caught.value
    with force_locale("zh_CN"):
        texts = [str(error.message)] + [str(m) for ms in (error.fields or {}).values()
                                         for m in ms]
    text = " ".join(texts)
    assert not any(code in text for code in CODES), text
    return text


@pytest.fixture
def zh(app):
    with app.test_request_context(), force_locale("zh_CN"):
        yield


def test_illegal_transition_names_both_statuses_in_chinese(zh, make_contract):
    contract = make_contract()
    text = _message(lambda: services.transition_contract(contract, "completed", actor=None))
    assert "状态为“草稿”的服务合同不能变更为“已完成”" in text
    assert "当前可变更为：履行中" in text


def test_closed_contract_cannot_be_amended_in_chinese(zh, make_contract):
    contract = make_contract(status="terminated")
    text = _message(lambda: services.amend_contract(contract, reason="x", actor=None,
                                                    amount="1.00"))
    assert "状态为“已终止”的服务合同不能办理合同变更" in text


def test_suspended_provider_named_in_chinese(zh, db, make_contract, qualified_provider,
                                            regions):
    contract = make_contract()
    services.set_provider_status(contract.provider, "suspended", "整顿")
    text = _message(lambda: services.transition_contract(contract, "active", actor=None))
    assert "该承接主体状态为“已暂停”" in text
    text = _message(lambda: services.create_contract(
        title="x", service_type="other", provider=contract.provider, region=regions["a"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), amount="1000"))
    assert "该承接主体状态为“已暂停”" in text


def test_cancelled_procurement_named_in_chinese(zh, make_procurement):
    procurement = make_procurement()
    services.cancel_procurement(procurement, "预算调整")
    text = _message(lambda: services.update_procurement(procurement, title="新标题"))
    assert "该采购项目状态为“已取消”" in text


def test_import_into_a_draft_names_the_status_in_chinese(zh, make_contract):
    contract = make_contract()
    text = _message(lambda: import_households(contract, b"", "records.csv", None))
    assert "该服务合同状态为“草稿”" in text
