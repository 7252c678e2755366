"""Migration 0011 upgrades a database with data: decisions move onto their installment (a year and
its quarter both decided → the later stands, the earlier is kept revoked); grades are kept."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_migrate import downgrade, stamp, upgrade

from app.extensions import db as _db
from evaluations.inspections.models import Inspection, InspectionStatus
from reports.performance.services import linked_installment
from tests.schema import drop_schema


def test_decisions_and_grades_survive_the_upgrade(app, make_contract, make_user,
                                                  make_template):
    # the factories write at the newest schema; then the database goes back to 0007
    try:
        contract = make_contract(status="active")
        inspector = make_user("inspector", region="a")
        template = make_template("warm_winter")
        for n, grade in enumerate(("fail", "level_2")):
            _db.session.add(Inspection(
                template_id=template.id, contract_id=contract.id, region_id=contract.region_id,
                inspector_id=inspector.id, scheduled_for=date(2026, 5, 1),
                status=InspectionStatus.FINALIZED, total=Decimal("95.0"), grade=grade,
                verification_code=f"MIGRATE{n}"))
        _db.session.commit()
        contract_id, linked_id = contract.id, linked_installment(contract).id
        _db.session.close()

        stamp()  # the test schema is the models', which is what the migrations build
        downgrade(revision="0007")
        with _db.engine.begin() as conn:
            grades = sorted(conn.execute(sa.text("SELECT grade FROM inspections")).scalars(),
                            key=str)
            assert grades == [None, "fail"]  # the old enum has no place for level_2
            for period, day in (("2026", "2026-12-01 08:00:00"),
                                ("2026-Q4", "2026-12-10 08:00:00")):
                conn.execute(sa.text(
                    "INSERT INTO payment_decisions (contract_id, period, decision, amount,"
                    " renew, comment, decided_at) VALUES (:c, :p, 'pay', 100, :r, 'x', :d)"),
                    {"c": contract_id, "p": period, "r": True, "d": day})

        upgrade()
        with _db.engine.begin() as conn:
            rows = conn.execute(sa.text(
                "SELECT period, installment_id, revoked_at IS NULL, revoke_reason"
                " FROM payment_decisions ORDER BY id")).all()
            grades = sorted(conn.execute(sa.text("SELECT grade FROM inspections")).scalars(),
                            key=str)
        assert [(r[0], r[1], bool(r[2])) for r in rows] == [
            ("2026", linked_id, False), ("2026-Q4", linked_id, True)]
        assert "one per installment" in rows[0][3] and rows[1][3] == ""
        assert grades == [None, "fail"]
    finally:
        drop_schema()
        _db.create_all()
