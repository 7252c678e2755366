"""Found reviewing this session's changes (efc5b13..942f673), each failing on them: a report
not asked for during a suspension is neither late nor a missed milestone; an award and a
draft of one provider at once both commit, and two drafts take two numbers; an ID number in
full width is masked in an import's errors."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

import contracts.procurement as procurement_module
from app.extensions import db as _db
from contracts import services
from contracts.models import Bid, Contract
from contracts.submissions import services as subs
from contracts.submissions.milestones import reporting_milestones
from tests.factories import hh_csv, hh_id
from tests.locks import held_inside_while_the_second_waits

HS_DATA = {"households_visited": 100, "needy": {"dibao": 5, "tekun": 1}, "problems": ""}


# ---- 1. a report falling due while suspended, sent once resumed -------------------------------

def _suspended_in_spring(db, report_contract, at_local):
    """Monthly, due the 10th; suspended 20 March, resumed 10 May: April's report (due 10 May,
    the day it resumed) was not asked for."""
    at_local(2026, 1, 2, 9, 0)
    contract, user = report_contract()
    at_local(2026, 3, 20, 9, 0)
    services.transition_contract(contract, "suspended", actor=None, reason="整改")
    at_local(2026, 5, 10, 9, 0)
    services.transition_contract(contract, "active", actor=None)
    db.session.commit()
    assert contract.suspensions == [["2026-03-20", "2026-05-10"]]
    return contract, user


def test_a_report_not_asked_for_while_suspended_is_not_marked_late_when_sent(
        db, report_contract, at_local):
    """DESIGN: a report falling due while suspended was not asked for, 'though the provider may
    still send it'. Sent after its deadline it is stamped late: the Late badge on the report
    and on the provider's schedule, the review queue's "late" filter, the inspection plan's
    risk (reports.planning) all count it late."""
    contract, user = _suspended_in_spring(db, report_contract, at_local)
    at_local(2026, 5, 20, 9, 0)
    sent = subs.submit_report(contract, "2026-04", HS_DATA, actor=user)
    db.session.commit()
    assert sent.deadline == date(2026, 5, 10)
    assert sent.late is False, "a report not asked for is marked late once sent"


def test_ocds_does_not_publish_a_report_not_asked_for_as_not_met(
        db, report_contract, at_local):
    """The provider's list and the officers' overdue list no longer call April's report late;
    the OCDS export still publishes its milestone as notMet (a missed deadline)."""
    contract, _user = _suspended_in_spring(db, report_contract, at_local)
    milestones = {m["id"]: m for m in reporting_milestones(contract, today=date(2026, 7, 20))}
    assert milestones["reporting-2026-01"]["status"] == "notMet"  # due 10 February: missed
    for key in ("2026-03", "2026-04"):  # due 10 April and 10 May, while suspended
        assert milestones[f"reporting-{key}"]["status"] == "scheduled", milestones[f"reporting-{key}"]


# ---- 2. an award and a draft of the same provider at once: a deadlock -----------------------

class _Hook:
    @staticmethod
    def provider_claimed() -> None:
        return None


def test_an_award_and_a_draft_for_the_same_provider_at_once_both_commit(
        app, db, monkeypatch, make_procurement, qualified_provider, make_contract):
    """award_bid claims the provider, then takes a contract number (counter row FOR UPDATE);
    create_contract, since b556466, takes the number first, then claims the provider. An award
    and an officer's draft of the same provider (same year and service type) at once each hold
    what the other waits for: PostgreSQL aborts one with a deadlock."""
    provider = qualified_provider()
    make_contract(provider=provider)  # the 2026 household-survey counter exists
    bid = services.submit_bid(make_procurement(), provider=provider, price="90000")
    db.session.commit()
    ids = {"bid": bid.id, "provider": provider.id, "region": bid.procurement.region_id}
    original = procurement_module.claim_row

    def claim_row(obj, check):
        original(obj, check)
        if obj.__class__.__name__ == "Provider":
            _Hook.provider_claimed()

    monkeypatch.setattr(procurement_module, "claim_row", claim_row)

    def award() -> None:
        services.award_bid(_db.session.get(Bid, ids["bid"]), None, date(2026, 2, 1))

    def draft() -> None:
        services.create_contract(
            title="同一承接主体的另一合同", service_type="household_survey",
            provider=ids["provider"], region=ids["region"], start_date=date(2026, 3, 1),
            end_date=date(2026, 12, 31), amount="50000", targets={"households": 50})

    outcomes = held_inside_while_the_second_waits(app, monkeypatch, _Hook, "provider_claimed",
                                                  award, draft)
    assert outcomes == [None, None], outcomes
    _db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract).where(
        Contract.provider_id == ids["provider"])) == 3


# ---- 3. two drafts of one year and type at once on SQLite: one number twice ------------------

def test_two_drafts_at_once_get_two_numbers_once_the_counter_exists(
        app, db, monkeypatch, qualified_provider, make_contract, regions):
    """next_contract_number's FOR UPDATE is nothing on SQLite: its read of the counter takes no
    lock, and since b556466 create_contract writes nothing before it (the provider's claim,
    which took the write lock first in 05e9233, now comes after). The second draft read the
    counter the first was raising and took the same number: a 409 "already exists"."""
    import contracts.terms as terms

    make_contract()  # the 2026 household-survey counter exists: XN-2026-HS-0001
    ids = {"a": qualified_provider(name="甲").id, "b": qualified_provider(name="乙").id,
           "region": regions["a"].id}
    db.session.commit()

    def draft(who):
        return lambda: services.create_contract(
            title=f"{who}的合同", service_type="household_survey", provider=ids[who],
            region=ids["region"], start_date=date(2026, 3, 1), end_date=date(2026, 12, 31),
            amount="50000", targets={"households": 50})

    outcomes = held_inside_while_the_second_waits(app, monkeypatch, terms,
                                                  "next_contract_number", draft("a"), draft("b"))
    assert outcomes == [None, None], outcomes


# ---- 4. an ID number in full-width digits quoted whole in a refused file's errors ------------


_WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_an_id_number_typed_in_full_width_in_the_wrong_column_is_masked_in_the_errors(
        db, hh_contract, api_as):
    """355d94f reads an ID number typed in full-width digits (an input method left in that
    mode) as the number it is; fce9d05's mask (cells._ID_LIKE, [0-9] only) does not know
    them: a column pasted one place off quotes the full ID number whole to every officer who
    reads the error table, with or without the right to full ID numbers."""
    import io

    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    wide = hh_id(7).translate(_WIDE)
    data = hh_csv([{"survey_date": wide}, {"members": wide}, {"region_code": wide},
                   {"monthly_income": wide}])
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(data), "h.csv")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    rows = response.get_json()["error"]["rows"]
    assert rows
    for row in rows:
        assert wide[:18] not in row["message"], row
