"""Admin pages for the region tree: create, rename, move."""

import sqlalchemy as sa

from app.regions.models import Region


def reload(db, region):
    db.session.expire_all()
    return db.session.get(Region, region.id)


def test_admin_creates_a_township(as_user, db, regions):
    browser, _ = as_user("admin")
    browser.get("/admin/regions/new")
    response = browser.post("/admin/regions/new", {"code": "100200102", "name": "乙二镇",
                                                   "name_en": "B2 Town", "level": "township",
                                                   "parent_code": "100200"})
    assert response.status_code == 302
    region = db.session.scalar(sa.select(Region).where(Region.code == "100200102"))
    assert region.parent_id == regions["b"].id


def test_level_must_follow_the_parent(as_user, db, regions):
    browser, _ = as_user("admin")
    browser.get("/admin/regions/new")
    response = browser.post("/admin/regions/new", {"code": "100200103", "name": "错层",
                                                   "level": "village", "parent_code": "100200"})
    assert response.status_code == 422
    assert "directly under" in response.get_data(as_text=True)


def test_a_code_of_other_digits_is_refused(as_user, db, regions):
    browser, _ = as_user("admin")
    browser.get("/admin/regions/new")
    for code in ("10020010²", "١٠٠٢٠٠١٠٤"):
        response = browser.post("/admin/regions/new", {"code": code, "name": "异码镇",
                                                       "level": "township",
                                                       "parent_code": "100200"})
        assert response.status_code == 422
        assert "6, 9 or 12 digits" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Region).where(Region.name == "异码镇")) is None


def test_move_a_township_with_its_villages(as_user, db, regions):
    browser, _ = as_user("admin")
    browser.get(f"/admin/regions/{regions['a1'].id}")
    response = browser.post(f"/admin/regions/{regions['a1'].id}/move",
                            {"move-parent_code": "100200"})
    assert response.status_code == 302
    a1, village, b = (reload(db, regions[k]) for k in ("a1", "village", "b"))
    assert a1.parent_id == b.id
    assert village.path.startswith(a1.path) and a1.path.startswith(b.path)


def test_move_under_own_descendant_is_refused(as_user, db, regions):
    browser, _ = as_user("admin")
    a_path = regions["a"].path
    browser.get(f"/admin/regions/{regions['a'].id}")
    # a county under its own township: wrong both as a cycle and as a level
    response = browser.post(f"/admin/regions/{regions['a'].id}/move",
                            {"move-parent_code": "100100001"})
    assert response.status_code == 422
    assert "cannot be moved under itself or one of its own descendants" in \
        response.get_data(as_text=True)
    assert reload(db, regions["a"]).path == a_path


def test_rename_with_empty_name_changes_nothing(as_user, db, regions):
    browser, _ = as_user("admin")
    browser.get(f"/admin/regions/{regions['b'].id}")
    response = browser.post(f"/admin/regions/{regions['b'].id}", {"name": " ", "submit": "1"})
    assert response.status_code == 422
    assert reload(db, regions["b"]).name == "乙县"


def test_region_list_search(as_user, regions):
    browser, _ = as_user("admin")
    page = browser.get("/admin/regions/?q=100200").get_data(as_text=True)
    assert "B County" in page and "A District" not in page


def test_region_codes_export_is_scoped(as_user, regions):
    from io import BytesIO

    from openpyxl import load_workbook

    browser, _ = as_user("officer", region="b")
    response = browser.get("/reports/regions.xlsx")
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Code"
    assert {r[0] for r in rows[1:]} == {"100200", "100200101"}
