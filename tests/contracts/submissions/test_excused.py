"""A report excused: it fell due while an officer had the contract suspended, so it was not
asked for. The provider may still send it, but their list does not call it due."""

from __future__ import annotations

from datetime import date

from contracts import services
from contracts.submissions.schedule import period_of
from contracts.submissions.services import ReportRow, provider_overview
from tests.clients import Browser
from tests.factories import on


def _suspended_over_januarys_deadline(db, world) -> None:
    on(date(2026, 2, 5))
    services.transition_contract(world.contract, "suspended", actor=None, reason="整改期间暂停")
    on(date(2026, 2, 12))
    services.transition_contract(world.contract, "active", actor=None)
    db.session.commit()


def _section(page: str, heading: str) -> str:
    """The provider list's section under ``heading``, up to the next heading."""
    return page.split(f"<h2 class=\"h5\">{heading} ", 1)[1].split("<h2", 1)[0]


def test_an_excused_report_is_not_listed_as_due_but_may_still_be_sent(app, db, reminder_world):
    """January's report, due on 10 February while the contract was suspended, stood under
    "Due" with a "Due" badge on the provider's list (and in the home card's count of reports
    due) a week after its deadline, though nobody asked for it."""
    w = reminder_world
    _suspended_over_januarys_deadline(db, w)
    on(date(2026, 3, 2))  # February's report is due on 10 March: due indeed
    overview = provider_overview(w.staff)
    assert [r.period.key for r in overview["due"]] == ["2026-02"] and not overview["overdue"]

    browser = Browser(app.test_client())
    assert browser.login(w.staff_en).status_code == 302
    page = browser.get("/my-reports").get_data(as_text=True)
    due = _section(page, "Due")
    assert "2026-02" in due and "2026-01" not in due
    assert 'Due <span class="badge text-bg-info">1</span>' in page
    contract_page = browser.get(f"/contracts/{w.contract.id}").get_data(as_text=True)
    january = contract_page.split(">2026-01<", 1)[1].split("</tr>", 1)[0]
    assert "Not asked for" in january and ">Due<" not in january
    assert f"/contracts/{w.contract.id}/reports/2026-01" in january  # still theirs to send
    assert browser.get(f"/contracts/{w.contract.id}/reports/2026-01").status_code == 200


def test_a_report_due_after_the_contract_resumed_is_due_as_ever(db, reminder_world):
    w = reminder_world
    _suspended_over_januarys_deadline(db, w)
    on(date(2026, 3, 2))
    [row] = [r for r in provider_overview(w.staff)["due"] if r.period.key == "2026-02"]
    assert row.state == "due"
    january = ReportRow(w.contract, period_of(w.contract, "2026-01"), None)
    assert january.state == "excused"
