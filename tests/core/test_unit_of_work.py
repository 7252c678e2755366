"""One unit of work per request: commit at the boundary, nothing half written on error."""

import pytest
import sqlalchemy as sa
from flask import Blueprint

from app.audit.models import AuditLog
from app.errors import Conflict, NotFound
from app.extensions import db as _db
from app.regions.models import Level, Region
from app.regions.services import create_region, rename_region
from app.unit_of_work import after_commit, claim_row, expect_revision

bp = Blueprint("uow_probe", __name__)
sent: list[str] = []


@bp.route("/_probe/half-then-fail", methods=["GET"])
def half_then_fail():
    city = create_region("300000", "半途", Level.CITY, None)
    _db.session.flush()
    after_commit(lambda: sent.append("mail"))
    rename_region(city, "改名")
    _db.session.flush()
    raise RuntimeError("boom in the middle")


@bp.route("/_probe/ok", methods=["GET"])
def ok():
    create_region("300001", "成功", Level.CITY, None)
    after_commit(lambda: sent.append("mail"))
    return "ok"


@pytest.fixture(scope="module")
def probe_app(test_config):
    """A second app on the same database, with probe views that fail halfway."""
    from app import create_app
    from tests.clients import IsolatedClient

    probe = create_app(test_config)
    probe.register_blueprint(bp)
    probe.test_client_class = IsolatedClient
    probe.config["PROPAGATE_EXCEPTIONS"] = False  # answer with the 500 page, as in production
    yield probe
    with probe.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clear_sent():
    sent.clear()


def test_exception_midway_leaves_nothing_written(probe_app, db):
    response = probe_app.test_client().get("/_probe/half-then-fail")
    assert response.status_code == 500
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 0
    assert sent == []  # the side effect queued for after the commit never ran


def test_success_commits_once_and_then_runs_side_effects(probe_app, db):
    response = probe_app.test_client().get("/_probe/ok")
    assert response.status_code == 200
    assert db.session.scalar(sa.select(Region.name).where(Region.code == "300001")) == "成功"
    assert sent == ["mail"]


def test_form_errors_change_nothing(as_user, db, regions):
    browser, _ = as_user("admin")
    browser.get("/admin/regions/new")
    response = browser.post("/admin/regions/new", {"code": "100100", "name": "重复",
                                                   "level": "county", "parent_code": "100000"})
    assert response.status_code == 422
    assert "This code is already used." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == len(regions)


def test_a_claimed_row_is_checked_again_as_stored(db, regions):
    """The check passes on the row as read, then refuses the row as another request left it."""
    region = regions["a"]
    db.session.execute(sa.update(Region.__table__).where(Region.__table__.c.id == region.id)
                       .values(name="已改名"))  # behind the loaded object's back

    def unchanged() -> None:
        if region.name == "已改名":
            raise Conflict("renamed meanwhile")

    with pytest.raises(Conflict, match="renamed meanwhile"):
        claim_row(region, unchanged)


def test_a_claim_of_a_row_deleted_meanwhile_is_not_found(db, regions):
    region = create_region("300002", "已删", Level.CITY, None)
    db.session.commit()
    db.session.execute(sa.delete(Region.__table__).where(Region.__table__.c.id == region.id))
    with pytest.raises(NotFound):
        claim_row(region, lambda: None)


def test_a_stale_revision_is_refused_before_anything_is_written(db, make_contract):
    """The database compares the client's revision at once: an edit that then changes nothing
    of the contract's own columns (its installments only, or nothing) is refused too, and a
    claim of the row after it keeps the revision for the flush to compare."""
    contract = make_contract("a")
    db.session.commit()
    with pytest.raises(Conflict):
        expect_revision(contract, contract.revision - 1)  # read before someone else's save
    db.session.rollback()
    expect_revision(contract, contract.revision)
    claim_row(contract, lambda: None)
    contract.title = "当前的修改"
    db.session.flush()
    assert contract.revision == 2
