"""Admin pages for the region tree: create, rename, move."""

import sqlalchemy as sa

from app.regions import services
from app.regions.models import Level, Region
from tests.locks import first_held_while_the_second_waits


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


def test_a_code_must_have_the_digits_of_its_level(as_user, api_as, db, regions):
    """The form says it (6 digits for a city or county, 9 for a township, 12 for a village);
    a township stored with a county's six digits passed for a county in every code list."""
    browser, _ = as_user("admin")
    browser.get("/admin/regions/new")
    response = browser.post("/admin/regions/new", {"code": "100300", "name": "短码镇",
                                                   "level": "township", "parent_code": "100200"})
    assert response.status_code == 422
    assert "9 for a township" in response.get_data(as_text=True)
    api, _ = api_as("admin")
    response = api.post("/api/v1/regions", json={"code": "100200102003", "name": "长码镇",
                                                 "level": "township", "parent_code": "100200"})
    assert response.status_code == 422 and "code" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(Region).where(Region.name.in_(["短码镇", "长码镇"]))) \
        is None


def test_move_a_township_with_its_villages(as_user, db, regions):
    browser, _ = as_user("admin")
    browser.get(f"/admin/regions/{regions['a1'].id}")
    response = browser.post(f"/admin/regions/{regions['a1'].id}/move",
                            {"move-parent_code": "100200"})
    assert response.status_code == 302
    a1, village, b = (reload(db, regions[k]) for k in ("a1", "village", "b"))
    assert a1.parent_id == b.id
    assert village.path.startswith(a1.path) and a1.path.startswith(b.path)


def test_a_region_made_under_one_being_moved_moves_with_it(app, db, regions):
    """A region's path is its parent's path and its id. A village made under a township while
    the township moved to another county took the township's old path: the old county's
    officers saw it, the new county's did not."""
    township, county_b = regions["a1"].id, regions["b"].id

    def move():
        services.move_region(db.session.get(Region, township), db.session.get(Region, county_b))

    def create():
        services.create_region("100100001002", "甲一新社区", Level.VILLAGE, "100100001")

    assert first_held_while_the_second_waits(app, move, create) == [None, None]
    db.session.expire_all()
    a1, made = db.session.get(Region, township), services.get_by_code("100100001002")
    assert a1.path.startswith(db.session.get(Region, county_b).path)
    assert made.parent_id == a1.id and made.path == f"{a1.path}{made.id}/"


def test_two_moves_at_once_leave_every_path_under_its_parent(app, db, regions):
    """A move rewrote the paths below it as it had read them: a village moved meanwhile to
    another township was written back under its old one."""
    ids = {key: regions[key].id for key in ("a1", "b", "village", "b1")}

    def move(key, to):
        return lambda: services.move_region(db.session.get(Region, ids[key]),
                                            db.session.get(Region, ids[to]))

    assert first_held_while_the_second_waits(app, move("village", "b1"),
                                             move("a1", "b")) == [None, None]
    db.session.expire_all()
    for region in db.session.scalars(sa.select(Region).where(Region.parent_id.is_not(None))):
        assert region.path == f"{region.parent.path}{region.id}/", region.code


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
