"""``/api/v1/contracts/{id}/submissions`` and ``/api/v1/submissions/{id}/review`` (API.md)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from contracts.submissions.models import Submission, SubmissionAttachment

HS_DATA = {"households_visited": 100, "needy": {"dibao": 5}, "problems": "部分家庭外出"}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def login_as(app, user):
    from tests.clients import PASSWORD, ApiClient

    client = app.test_client()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    return ApiClient(client, response.get_json()["token"])


def test_the_provider_submits_and_the_answer_says_when_and_whether_late(
        app, report_contract, at_local):
    contract, user = report_contract()
    api = login_as(app, user)
    at_local(2026, 11, 10, 23, 59)
    response = api.post(f"/api/v1/contracts/{contract.id}/submissions",
                        json={"period": "2026-10", "data": HS_DATA})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "submitted" and body["late"] is False
    assert body["submitted_at"].startswith("2026-11-10T") and body["data"] == HS_DATA
    at_local(2026, 10, 11, 0, 1)  # 2026-09 was due 2026-10-10
    late = api.post(f"/api/v1/contracts/{contract.id}/submissions",
                    json={"period": "2026-09", "data": HS_DATA}).get_json()
    assert late["late"] is True
    listing = api.get(f"/api/v1/contracts/{contract.id}/submissions").get_json()
    assert [i["period"] for i in listing["items"]] == ["2026-10", "2026-09"]


def test_review_cycle_with_a_mandatory_comment_and_a_resubmission(
        app, report_contract, at_local, api_as, db):
    contract, user = report_contract()
    provider = login_as(app, user)
    officer, _ = api_as("officer", region="a")
    at_local(2026, 11, 5, 9, 0)
    sid = provider.post(f"/api/v1/contracts/{contract.id}/submissions",
                        json={"period": "2026-10", "data": HS_DATA}).get_json()["id"]

    refused = officer.post(f"/api/v1/submissions/{sid}/review", json={"decision": "returned"})
    assert refused.status_code == 422
    assert "comment" in refused.get_json()["error"]["fields"]
    assert db.session.get(Submission, sid).status.value == "submitted"

    returned = officer.post(f"/api/v1/submissions/{sid}/review",
                            json={"decision": "returned", "comment": "请补充入户照片"})
    assert returned.status_code == 200 and returned.get_json()["status"] == "returned"
    again = officer.post(f"/api/v1/submissions/{sid}/review", json={"decision": "approved"})
    assert again.status_code == 409

    resubmitted = provider.post(f"/api/v1/contracts/{contract.id}/submissions",
                                json={"period": "2026-10",
                                      "data": HS_DATA | {"households_visited": 110}})
    assert resubmitted.status_code == 201
    assert resubmitted.get_json()["id"] == sid and resubmitted.get_json()["version"] == 2
    approved = officer.post(f"/api/v1/submissions/{sid}/review", json={"decision": "approved"})
    assert approved.get_json()["status"] == "approved"
    events = provider.get(f"/api/v1/submissions/{sid}").get_json()["events"]
    assert [e["kind"] for e in events] == ["submitted", "returned", "resubmitted", "approved"]
    assert events[1]["comment"] == "请补充入户照片"
    assert provider.post(f"/api/v1/contracts/{contract.id}/submissions",
                         json={"period": "2026-10", "data": HS_DATA}).status_code == 409


def test_bad_period_and_bad_data_name_their_fields(app, report_contract, at_local):
    contract, user = report_contract("facility_operation")
    api = login_as(app, user)
    at_local(2026, 11, 5, 9, 0)
    url = f"/api/v1/contracts/{contract.id}/submissions"
    for period in ("2026-13", "2025-12", "2027-01"):
        response = api.post(url, json={"period": period, "data": {}})
        assert response.status_code == 422
        assert list(response.get_json()["error"]["fields"]) == ["period"]
    response = api.post(url, json={"period": "2026-10", "data": {
        "occupancy": {"self_care": 50}, "admissions": -1, "departures": 0, "fire_drills": 1,
        "complaints_received": 1, "complaints_resolved": 2,
        "incidents": [{"risk": "choking", "severity": "deadly"}]}})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"data.occupancy.self_care", "data.admissions",
                           "data.complaints_resolved", "data.incidents.0.severity"}
    assert api.get(url).get_json()["total"] == 0


@pytest.mark.parametrize(("service_type", "data", "field"), [
    # "²" is a digit to str.isdigit, not to int(); 5,000 digits are beyond what int() reads
    ("household_survey", {"households_visited": "²"}, "data.households_visited"),
    ("household_survey", {"households_visited": "9" * 5000}, "data.households_visited"),
    # a list where a choice belongs cannot even be looked up
    ("facility_operation", {"admissions": 1, "departures": 0, "fire_drills": 1,
                            "complaints_received": 0, "complaints_resolved": 0,
                            "incidents": [{"risk": ["falls"], "severity": "minor"}]},
     "data.incidents.0.risk"),
    ("facility_operation", {"incidents": [{"risk": "falls", "severity": {"a": 1}}]},
     "data.incidents.0.severity"),
    ("entrusted_care", {"roster": [{"child_id": "100200********0011",
                                    "school_stage": ["primary"]}]},
     "data.roster.0.school_stage"),
])
def test_malformed_data_is_a_422_naming_the_field(app, report_contract, at_local,
                                                  service_type, data, field):
    contract, user = report_contract(service_type)
    api = login_as(app, user)
    at_local(2026, 11, 5, 9, 0)
    url = f"/api/v1/contracts/{contract.id}/submissions"
    response = api.post(url, json={"period": "2026-10", "data": data})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert api.get(url).get_json()["total"] == 0


def test_another_providers_contract_and_another_countys_officer_get_404(
        app, report_contract, at_local, api_as):
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    sid = login_as(app, user).post(f"/api/v1/contracts/{contract.id}/submissions",
                                   json={"period": "2026-10", "data": HS_DATA}).get_json()["id"]
    stranger, _ = api_as("provider")
    assert stranger.post(f"/api/v1/contracts/{contract.id}/submissions",
                         json={"period": "2026-09", "data": HS_DATA}).status_code == 404
    assert stranger.get(f"/api/v1/contracts/{contract.id}/submissions").status_code == 404
    assert stranger.get(f"/api/v1/submissions/{sid}").status_code == 404
    county_b, _ = api_as("officer", region="b")
    assert county_b.post(f"/api/v1/submissions/{sid}/review",
                         json={"decision": "approved"}).status_code == 404
    assert county_b.get(f"/api/v1/submissions/{sid}").status_code == 404
    officer, _ = api_as("officer", region="a")
    assert officer.post(f"/api/v1/contracts/{contract.id}/submissions",
                        json={"period": "2026-09", "data": HS_DATA}).status_code == 403
    assert officer.get(f"/api/v1/submissions/{sid}").status_code == 200


def test_attachments_are_checked_by_content(app, report_contract, at_local, db):
    api, draft = _draft(app, report_contract, at_local)
    assert draft["status"] == "draft"
    url = f"/api/v1/submissions/{draft['id']}/attachments"
    fake = api.post(url, data={"file": (_stream(b"<script>alert(1)</script>"), "report.pdf")},
                    content_type="multipart/form-data")
    assert fake.status_code == 422 and "file" in fake.get_json()["error"]["fields"]
    good = api.post(url, data={"file": (_stream(PDF), "签到表.pdf")},
                    content_type="multipart/form-data")
    assert good.status_code == 201, good.get_json()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubmissionAttachment)) == 1
    content = api.get(good.get_json()["download_url"])
    assert content.status_code == 200 and content.data == PDF
    content.close()


def _draft(app, report_contract, at_local):
    """The provider's API client and its draft of October's report."""
    contract, user = report_contract("other")
    api = login_as(app, user)
    at_local(2026, 11, 5, 9, 0)
    return api, api.post(f"/api/v1/contracts/{contract.id}/submissions",
                         json={"period": "2026-10", "data": {"summary": "宣传活动3场"},
                               "draft": True}).get_json()


def _stream(data: bytes):
    import io

    return io.BytesIO(data)


def test_a_review_comment_longer_than_the_page_takes_is_refused_naming_it(
        app, report_contract, at_local, api_as, db):
    """The page takes 5,000 characters; the API stored a comment of megabytes, shown on every
    reading of the report."""
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    sid = login_as(app, user).post(f"/api/v1/contracts/{contract.id}/submissions", json={
        "period": "2026-10", "data": HS_DATA}).get_json()["id"]
    officer, _ = api_as("officer", region="a")
    url = f"/api/v1/submissions/{sid}/review"
    refused = officer.post(url, json={"decision": "returned", "comment": "请" * 5001})
    assert refused.status_code == 422
    assert list(refused.get_json()["error"]["fields"]) == ["comment"]
    assert db.session.get(Submission, sid).status.value == "submitted"
    assert officer.post(url, json={"decision": "returned", "comment": "请" * 5000}
                        ).status_code == 200


def test_a_report_carries_a_bounded_number_of_files(app, report_contract, at_local, db,
                                                    monkeypatch):
    """Without a bound a provider's account could fill the server's disk 20 MB at a time: the
    file past it is a 422 naming attachments, and nothing is stored."""
    from contracts.submissions import attachments

    monkeypatch.setattr(attachments, "MAX_ATTACHMENTS", 2)
    api, draft = _draft(app, report_contract, at_local)
    url = f"/api/v1/submissions/{draft['id']}/attachments"

    def send(name):
        return api.post(url, data={"file": (_stream(PDF), name)},
                        content_type="multipart/form-data")

    assert [send(name).status_code for name in ("1.pdf", "2.pdf")] == [201, 201]
    refused = send("3.pdf")
    assert refused.status_code == 422, refused.get_json()
    assert "at most 2 files" in refused.get_json()["error"]["fields"]["attachments"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubmissionAttachment)) == 2
