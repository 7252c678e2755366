"""The audit trail: one row per change, old and new values, same transaction as the change."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.audit.models import AuditLog
from app.regions.models import Level, Region
from app.regions.services import create_region


def audit_rows(db, object_type=None):
    stmt = sa.select(AuditLog).order_by(AuditLog.id)
    if object_type:
        stmt = stmt.where(AuditLog.object_type == object_type)
    return db.session.scalars(stmt).all()


def test_create_update_delete_each_leave_a_row_with_old_and_new(db):
    region = create_region("200000", "旧名", Level.CITY, None)
    db.session.commit()
    region.name = "新名"
    db.session.commit()
    db.session.delete(region)
    db.session.commit()
    # the path is set in a second flush of the creation, once the id is known
    rows = [r for r in audit_rows(db, "regions") if "name" in r.changes]
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert rows[0].changes["name"] == [None, "旧名"]
    assert rows[1].changes == {"name": ["旧名", "新名"]}
    assert rows[2].changes["name"] == ["新名", None]
    assert {r.object_id for r in rows} == {str(region.id)}


def test_rollback_leaves_no_audit_row(db):
    create_region("200000", "回滚", Level.CITY, None)
    db.session.flush()
    db.session.rollback()
    assert audit_rows(db) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == 0


def test_web_change_records_the_actor_and_address(as_user, db, regions):
    browser, admin = as_user("admin")
    browser.get(f"/admin/regions/{regions['b'].id}")
    response = browser.post(f"/admin/regions/{regions['b'].id}",
                            {"name": "乙县（改）", "name_en": "B County", "submit": "1"})
    assert response.status_code == 302
    row = audit_rows(db, "regions")[-1]
    assert row.action == "update"
    assert row.actor_id == admin.id and row.actor_label == admin.email
    assert row.changes == {"name": ["乙县", "乙县（改）"]}
    assert row.ip_address == "127.0.0.1"


def test_password_hashes_never_reach_the_trail(make_user, db):
    user = make_user("officer")
    row = audit_rows(db, "users")[-1]
    assert row.changes["password_hash"] == [None, "***"]
    assert user.password_hash not in str(row.changes)


def test_admin_browses_and_filters_the_trail(as_user, db, regions):
    browser, admin = as_user("admin")
    page = browser.get("/admin/audit/?object_type=regions").get_data(as_text=True)
    assert "Region</td>" not in page  # the object column reads "Region #id"
    assert "Region <span" in page and "User <span" not in page
    page = browser.get(f"/admin/audit/?actor={admin.email}").get_data(as_text=True)
    assert "User <span" in page and "Region <span" not in page  # their own sign-in only
    page = browser.get(f"/admin/audit/?actor={admin.email}&object_type=regions").get_data(
        as_text=True)
    assert "No entry matches." in page  # the admin has not changed anything yet
    page = browser.get("/admin/audit/?date_from=2000-01-01&date_to=2000-01-02").get_data(
        as_text=True)
    assert "No entry matches." in page


def test_a_filter_value_it_cannot_read_leaves_the_other_filters_standing(as_user, db, regions):
    """One mistyped date dropped every filter: asked for an administrator's changes, the page
    listed everybody's as if they matched."""
    browser, admin = as_user("admin")
    browser.get(f"/admin/regions/{regions['b'].id}")
    browser.post(f"/admin/regions/{regions['b'].id}", {"name": "乙县（改）", "submit": "1"})
    page = browser.get(f"/admin/audit/?actor={admin.email}&date_from=2026-13-01").get_data(
        as_text=True)
    assert "乙县（改）" in page and "甲区" not in page  # the seeding's rows are the system's


@pytest.mark.parametrize("role", ["officer", "inspector", "provider"])
def test_only_admins_see_the_trail(as_user, role):
    browser, _ = as_user(role)
    assert browser.get("/admin/audit/").status_code == 403


def test_the_trail_reads_as_labels_in_chinese(as_user, db, make_contract):
    contract = make_contract()
    contract.status = type(contract.status)("active")
    db.session.commit()
    browser, _ = as_user("admin", locale="zh_CN")
    page = browser.get("/admin/audit/?object_type=contracts").get_data(as_text=True)
    assert "服务合同 <span" in page and "已修改" in page and "新建" in page
    assert "结束日期" in page and "end_date" not in page
    assert "草稿</span> → <span class=\"text-success\">履行中" in page
    assert ">draft<" not in page and ">active<" not in page


def test_a_json_value_reads_as_labels_at_every_depth(app):
    from app.audit.readable import Reader, words

    with app.test_request_context(), force_locale("zh_CN"):
        reader = Reader()
        text = reader.nested({"occupancy": {"self_care": 51, "semi_disabled": 18},
                              "types": ["household_survey"], "note": None, "ok": True})
        field = words("first_submitted_at")
    assert text.startswith("入住情况: (") and "51" in text and "18" in text and "∅" in text
    assert "self_care" not in text and "semi_disabled" not in text
    assert "household_survey" not in text and "occupancy" not in text
    assert field == "首次提交时间"


def test_a_moment_changed_reads_in_the_bureaus_time(as_user, db, make_provider):
    """The trail showed a changed time as stored, in UTC: a provider suspended at 01:30 on
    1 July in Shanghai read "2026-06-30T17:30:00+00:00", beside the entry's own 07-01 01:30."""
    provider = make_provider()
    provider.status_changed_at = datetime(2026, 6, 30, 17, 30, tzinfo=UTC)
    db.session.commit()
    browser, _ = as_user("admin")
    page = browser.get("/admin/audit/?object_type=providers").get_data(as_text=True)
    assert "2026-07-01 01:30" in page and "2026-06-30T17:30" not in page
