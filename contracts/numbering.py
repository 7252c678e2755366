"""Contract numbers: ``XN-2026-HS-0007`` = city prefix, year of start, service code, sequence.

The sequence per (year, service type) lives in ``contract_number_counters``. The row is read
with ``FOR UPDATE`` (PostgreSQL locks it until commit; SQLite serializes writers anyway) and
incremented through the session's identity map, so two contracts created in one transaction,
or in two concurrent ones, never receive the same number; a missing row is inserted with
``ON CONFLICT DO NOTHING`` first, so that the first two of a year at once both get one. The
unique constraint on ``contracts.number`` is the last line of defence.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.db import insert
from app.extensions import db
from contracts.models import ContractNumberCounter, ServiceType


def format_number(prefix: str, year: int, service_type: ServiceType, seq: int) -> str:
    return f"{prefix}-{year}-{service_type.code}-{seq:04d}"


def next_contract_number(year: int, service_type: ServiceType) -> str:
    """Reserve and return the next number for ``year`` and ``service_type``."""
    service_type = ServiceType(service_type)
    locked = (sa.select(ContractNumberCounter)
              .where(ContractNumberCounter.year == year,
                     ContractNumberCounter.service_type == service_type)
              .with_for_update())
    counter = db.session.scalars(locked).first()
    if counter is None:
        # the first two contracts of a year and type drafted at once both find no counter:
        # the second insert does nothing (after the first's commit), and both lock the one
        # row (two inserts made the second officer's contract a 409 "already exists")
        dialect = db.session.get_bind().dialect.name
        db.session.execute(insert(ContractNumberCounter.__table__, dialect)
                           .values(year=year, service_type=service_type.value, last_seq=0)
                           .on_conflict_do_nothing())
        counter = db.session.scalars(locked).one()
    counter.last_seq += 1
    db.session.flush()
    prefix = current_app.config.get("CITY_PREFIX", "XN")
    return format_number(prefix, year, service_type, counter.last_seq)
