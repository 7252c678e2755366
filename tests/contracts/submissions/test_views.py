"""The report pages: writing, submitting, reviewing, files, the provider's and officer's lists."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from contracts.submissions import attachments
from contracts.submissions import services as subs
from contracts.submissions.models import Submission, SubmissionAttachment
from tests.clients import Browser

HS_FORM = {"households_visited": "80", "needy_dibao": "6", "needy_tekun": "1",
           "problems": "两户外出务工，已预约"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def browser_for(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user).status_code == 302
    return b


def stored(db, contract, period="2026-10") -> Submission | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Submission).where(
        Submission.contract_id == contract.id, Submission.period == period))


def test_the_provider_saves_a_draft_then_submits(app, report_contract, at_local, db):
    contract, user = report_contract()
    b = browser_for(app, user)
    at_local(2026, 11, 5, 9, 0)
    url = f"/contracts/{contract.id}/reports/2026-10"
    assert b.get(url).status_code == 200
    response = b.post(url, HS_FORM | {"save": "1", "households_visited": ""})
    assert response.status_code == 302
    assert stored(db, contract).status.value == "draft"
    response = b.post(url, HS_FORM | {"submit": "1"})
    assert response.status_code == 302
    submission = stored(db, contract)
    assert (submission.status.value, submission.data["needy"]) == ("submitted",
                                                                  {"dibao": 6, "tekun": 1})
    page = b.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "两户外出务工" in page and "Waiting for review" in page
    assert b.get(url).status_code == 302  # not editable while waiting


def test_a_cross_field_error_is_shown_on_its_field_and_nothing_is_stored(
        app, report_contract, at_local, db):
    contract, user = report_contract("facility_operation")  # self-care ward: 40 beds
    b = browser_for(app, user)
    at_local(2026, 11, 5, 9, 0)
    url = f"/contracts/{contract.id}/reports/2026-10"
    b.get(url)
    response = b.post(url, {"occupancy_self_care": "45", "admissions": "1", "departures": "0",
                            "fire_drills": "1", "complaints_received": "1",
                            "complaints_resolved": "2", "incidents-0-risk": "falls",
                            "incidents-0-severity": "minor", "incidents-0-count": "1",
                            "submit": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "45 residents exceed the ward&#39;s 40 beds" in page
    assert "Complaints resolved (2) cannot exceed complaints received (1)" in page
    assert stored(db, contract) is None
    response = b.post(url, {"occupancy_self_care": "38", "admissions": "1", "departures": "0",
                            "staff_care_workers": "12", "fire_drills": "1",
                            "complaints_received": "1", "complaints_resolved": "1",
                            "incidents-0-risk": "falls", "incidents-0-severity": "minor",
                            "incidents-0-count": "1", "submit": "1"})
    assert response.status_code == 302
    submission = stored(db, contract)
    assert submission.data["incidents"] == [{"risk": "falls", "severity": "minor", "count": 1,
                                             "note": ""}]
    assert "Falls (跌倒)" in b.get(f"/submissions/{submission.id}").get_data(as_text=True)


def test_a_file_whose_content_is_not_what_it_claims_is_refused(app, report_contract,
                                                              at_local, db):
    contract, user = report_contract("other")
    b = browser_for(app, user)
    at_local(2026, 11, 5, 9, 0)
    url = f"/contracts/{contract.id}/reports/2026-10"
    b.get(url)
    response = b.post(url, {"summary": "培训2期", "save": "1",
                            "attachments": (io.BytesIO(b"MZ\x90\x00not a pdf"), "名单.pdf")},
                      content_type="multipart/form-data")
    assert response.status_code == 422
    assert "is not a PDF, an image or an Office document" in response.get_data(as_text=True)
    assert stored(db, contract) is None
    response = b.post(url, {"summary": "培训2期", "save": "1",
                            "attachments": (io.BytesIO(PDF), "名单.pdf")},
                      content_type="multipart/form-data")
    assert response.status_code == 302
    assert [a.filename for a in stored(db, contract).attachments] == ["名单.pdf"]


def test_the_officer_returns_only_with_a_comment_and_the_provider_resubmits(
        app, report_contract, at_local, as_user, db):
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    submission = subs.submit_report(contract, "2026-10", {"households_visited": 10},
                                    actor=user)
    db.session.commit()
    officer, _ = as_user("officer", region="a")
    assert "Record review" in officer.get(f"/submissions/{submission.id}").get_data(
        as_text=True)
    response = officer.post(f"/submissions/{submission.id}/review", {"decision": "returned"})
    assert response.status_code == 422
    assert "a returned report needs a comment" in response.get_data(as_text=True)
    assert stored(db, contract).status.value == "submitted"
    response = officer.post(f"/submissions/{submission.id}/review",
                            {"decision": "returned", "comment": "请核对低保户数"})
    assert response.status_code == 302 and stored(db, contract).status.value == "returned"

    provider = browser_for(app, user)
    home = provider.get("/my-reports").get_data(as_text=True)
    assert "Correct and resubmit" in home and contract.number in home
    url = f"/contracts/{contract.id}/reports/2026-10"
    assert "请核对低保户数" in provider.get(url).get_data(as_text=True)
    assert provider.post(url, HS_FORM | {"submit": "1"}).status_code == 302
    submission = stored(db, contract)
    assert (submission.status.value, submission.version) == ("submitted", 2)


def test_other_providers_and_other_counties_get_404(app, report_contract, at_local, as_user,
                                                    db):
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    submission = subs.submit_report(contract, "2026-10", {"households_visited": 10},
                                    actor=user)
    draft = subs.save_draft(contract, "2026-09", {}, actor=user)
    attachments.add_attachment(draft, filename="a.pdf", data=PDF, uploader=user)
    db.session.commit()
    attachment = db.session.scalar(sa.select(SubmissionAttachment))
    stranger, _ = as_user("provider")
    assert stranger.get(f"/contracts/{contract.id}/reports/2026-10").status_code == 404
    assert stranger.get(f"/submissions/{submission.id}").status_code == 404
    assert stranger.get(f"/submission-files/{attachment.id}").status_code == 404
    county_b, _ = as_user("officer", region="b")
    assert county_b.get(f"/submissions/{submission.id}").status_code == 404
    assert county_b.post(f"/submissions/{submission.id}/review",
                         {"decision": "approved"}).status_code == 404
    assert stored(db, contract).status.value == "submitted"


def test_the_review_queue_and_the_contract_page_show_the_regions_reports(
        app, report_contract, at_local, as_user, db):
    a_contract, a_user = report_contract()
    b_contract, b_user = report_contract(region="b")
    at_local(2026, 11, 5, 9, 0)
    subs.submit_report(a_contract, "2026-10", {"households_visited": 10}, actor=a_user)
    subs.submit_report(b_contract, "2026-10", {"households_visited": 10}, actor=b_user)
    db.session.commit()
    officer, _ = as_user("officer", region="a")
    queue = officer.get("/review-queue").get_data(as_text=True)
    assert a_contract.number in queue and b_contract.number not in queue
    home = officer.get("/").get_data(as_text=True)
    assert "Reports awaiting review" in home
    page = officer.get(f"/contracts/{a_contract.id}").get_data(as_text=True)
    assert "Service reports" in page and "2026-10" in page and "Overdue" in page


def test_a_rolled_back_attachment_leaves_no_file(app, report_contract, at_local, db):
    from pathlib import Path

    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    draft = subs.save_draft(contract, "2026-09", {}, actor=user)
    attachment = attachments.add_attachment(draft, filename="a.pdf", data=PDF, uploader=user)
    path = Path(app.config["UPLOAD_DIR"]) / "submissions" / attachment.stored_name
    assert path.exists()
    db.session.rollback()
    assert not path.exists()


def shown_revision(response) -> dict:
    """The revision the page's form sends back, as a browser sends its hidden fields."""
    return dict(re.findall(r'name="(revision)" type="hidden" value="([^"]*)"',
                           response.get_data(as_text=True)))


def test_a_report_page_left_open_does_not_overwrite_what_a_colleague_saved_since(
        app, report_contract, at_local, make_user, db):
    contract, user = report_contract()
    colleague = make_user("provider", provider=contract.provider)
    at_local(2026, 11, 5, 9, 0)
    url = f"/contracts/{contract.id}/reports/2026-10"
    mine, theirs = browser_for(app, user), browser_for(app, colleague)

    def colleague_saves(visited: str) -> None:
        assert theirs.post(url, shown_revision(theirs.get(url)) | HS_FORM | {
            "households_visited": visited, "save": "1"}).status_code == 302

    refused = None
    for visited in ("90", "95"):  # opened before the first save, then before the second
        shown = shown_revision(mine.get(url))
        colleague_saves(visited)
        refused = mine.post(url, shown | HS_FORM | {"submit": "1"})
        assert refused.status_code == 409
        assert (stored(db, contract).status.value,
                stored(db, contract).data["households_visited"]) == ("draft", int(visited))

    # the refused page carries the revision stored now: sent again, it is what it submits over
    assert mine.post(url, shown_revision(refused) | HS_FORM | {"submit": "1"}).status_code == 302
    assert (stored(db, contract).status.value, stored(db, contract).data["households_visited"]
            ) == ("submitted", 80)


def test_a_draft_on_the_contract_page_is_the_providers_only(app, report_contract, at_local, db,
                                                           make_user):
    """Drafts are hidden from everyone but the provider; the contract page's schedule showed
    officers a "Draft" badge for the period the provider was still writing."""
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    subs.save_draft(contract, "2026-10", {"households_visited": 40}, actor=user)
    db.session.commit()
    officer = browser_for(app, make_user("officer", region="a"))

    def october(browser) -> str:
        page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
        return re.search(r"<tr>\s*<td[^>]*>2026-10</td>.*?</tr>", page, re.S).group(0)

    assert "Draft" not in october(officer) and "Due" in october(officer)
    assert "Continue draft" in october(browser_for(app, user))
