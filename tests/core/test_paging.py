"""Pages cut on the listed table alone (app.paging, the API's ``paginate(load=...)``): the same
rows in the same order as the plain query, the parents loaded with the page."""

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from app import paging
from app.api.schemas import paginate as api_paginate
from app.extensions import db
from app.regions.models import Level, Region
from app.regions.services import create_region


def _regions():
    city = create_region("100000", "示范市", Level.CITY, None, "Demo City")
    for n in range(12):
        create_region(f"1001{n:02d}", f"区{n}", Level.COUNTY, city.code, f"District {n}")
    db.session.commit()
    return (sa.select(Region).where(Region.level == Level.COUNTY)
            .order_by(Region.name_en.desc(), Region.id.desc()))


def test_a_narrow_page_holds_the_rows_of_the_plain_page_in_order(app):
    stmt = _regions()
    with app.test_request_context("/?page=2"):
        page = paging.paginate(stmt, (so.joinedload(Region.parent),), per_page=5)
        plain = db.paginate(stmt, per_page=5)
    assert [r.code for r in page.items] == [r.code for r in plain.items]
    assert page.total == 12 and len(page.items) == 5
    assert "parent" in page.items[0].__dict__           # loaded with the page
    assert page.items[0].parent.code == "100000"


def test_the_api_page_is_the_same_with_or_without_loader_options(app):
    stmt = _regions()
    narrow = api_paginate(stmt, 3, 5, load=(so.joinedload(Region.parent),))
    plain = api_paginate(stmt, 3, 5)
    assert [r.code for r in narrow["items"]] == [r.code for r in plain["items"]]
    assert narrow["total"] == plain["total"] == 12 and len(narrow["items"]) == 2


def test_a_page_and_its_total_come_in_one_statement(app, count_queries):
    stmt = _regions()
    with app.test_request_context("/?page=3"), count_queries() as log:
        page = db.paginate(stmt, per_page=5)
    assert [r.code for r in page.items] == ["100101", "100100"]
    assert page.total == 12 and page.pages == 3 and len(log) == 1


def test_an_empty_list_counts_nothing_and_totals_zero(app, count_queries):
    stmt = _regions().where(Region.code == "nowhere")
    with app.test_request_context("/"), count_queries() as log:
        page = db.paginate(stmt, per_page=5)
    assert page.items == [] and page.total == 0 and len(log) == 1


def test_an_api_page_past_the_last_still_says_how_many_there_are(app):
    stmt = _regions()
    beyond = api_paginate(stmt, 9, 5)
    assert beyond["items"] == [] and beyond["total"] == 12
    assert api_paginate(stmt.where(Region.code == "nowhere"), 1, 5)["total"] == 0


@pytest.mark.parametrize("query", ["endpoint=x", "_anchor=x", "_method=POST",
                                   "_external=1&_scheme=javascript"])
def test_page_links_keep_an_argument_named_like_url_fors_own(as_user, regions, db, query):
    """Anybody may name a query argument ``endpoint`` or ``_external`` in a link they send: the
    page still opens, its links stay on this site and keep the argument as a query argument."""
    for n in range(60):  # more than one page of regions (50 a page)
        create_region(f"1{n + 300:05d}", f"区{n}", Level.COUNTY, "100000")
    db.session.commit()
    browser, _admin = as_user("admin")
    response = browser.get(f"/admin/regions/?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="/admin/regions/?{query.replace("&", "&amp;")}&amp;page=2"' in page
    assert "javascript:" not in page and 'href="http' not in page
