"""Excel exports too large to build while the user waits, built by the worker process
(``flask worker run``) instead of a web worker.

Up to ``EXPORT_INLINE_MAX_INSPECTIONS`` inspections (the item answers of
``EXPORT_INLINE_MAX_ANSWERED_INSPECTIONS``) a workbook is built in the request, in about a
second (measured at a city's scale: 2,000 inspections' results 0.9 s, 180 inspections'
6,400 answers 1.3 s); above, the page offers to build it in the background (a county's year
of results took 6 s of a web worker, and two such requests held both of ``make run``'s).
The request queues an :class:`ExportJob` and its task in one commit. The worker reads the filters again as the
requester, with what they may see then, writes the workbook whole and renames it into place
under ``UPLOAD_DIR/exports`` (shared by every web server), so that a build interrupted anywhere
starts again from nothing. Only the requester sees the job or downloads the workbook; jobs and
their workbooks are removed after ``EXPORT_KEEP_DAYS`` days by the nightly job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import clock, uploads
from app.errors import DomainError, NotFound, ValidationError
from app.extensions import db
from app.scoping import one_visible
from app.unit_of_work import after_commit, hold_key
from app.users.models import User
from app.worker.queue import enqueue, set_on_row
from app.worker.registry import register_task
from reports.background import BatchStatus
from reports.exports import filters
from reports.exports.filters import InspectionFilter
from reports.exports.inspection_workbooks import inspection_results_xlsx, item_answers_xlsx
from reports.exports.models import ExportJob

#: the folder under UPLOAD_DIR holding the workbooks built in the background
AREA = ExportJob.FILE_AREA
TASK = "reports.excel_export"
#: the export form's fields a job keeps
FILTER_FIELDS = ("template_id", "status", "county", "from", "to", "provider_id")


@dataclass(frozen=True)
class ExportKind:
    build: Callable[[User, InspectionFilter], bytes]
    #: the config keys of the most inspections one workbook holds, and builds in a request
    most: str
    inline: str


KINDS = {
    "inspections": ExportKind(inspection_results_xlsx, "EXPORT_MAX_INSPECTIONS",
                              "EXPORT_INLINE_MAX_INSPECTIONS"),
    "answers": ExportKind(item_answers_xlsx, "EXPORT_MAX_ANSWERED_INSPECTIONS",
                          "EXPORT_INLINE_MAX_ANSWERED_INSPECTIONS"),
}


def _kind(kind: str) -> ExportKind:
    if kind not in KINDS:
        raise ValidationError(_("Check the filters."), {"kind": [_("Unknown export.")]})
    return KINDS[kind]


def matched(user: User, kind: str, args: Mapping[str, str]) -> tuple[InspectionFilter, int]:
    """The filters of ``args`` and how many inspections they match; refused (ValidationError)
    above what one workbook of ``kind`` holds."""
    f = filters.inspection_filter(user, args)
    return f, filters.require_at_most(user, f, current_app.config[_kind(kind).most])


def built_while_waiting(kind: str, inspections: int) -> bool:
    """Whether a workbook of so many inspections is built in the request."""
    return inspections <= current_app.config[_kind(kind).inline]


def filter_fields(args: Mapping[str, str]) -> dict[str, str]:
    """The export form's fields of ``args`` that are filled in."""
    values = {name: str(args.get(name) or "").strip() for name in FILTER_FIELDS}
    return {name: value for name, value in values.items() if value}


def build_now(user: User, kind: str, f: InspectionFilter) -> bytes:
    return _kind(kind).build(user, f)


def queue_export(user: User, kind: str, args: Mapping[str, str], locale: str) -> ExportJob:
    """Queue the workbook; a worker builds it once this transaction commits. Bad filters, or
    more inspections than one workbook holds, raise and queue nothing."""
    kept = filter_fields(args)
    _f, count = matched(user, kind, kept)
    # the same request at the same instant waits for this one's commit, then finds its job
    hold_key("export", str(user.id))
    if (waiting := _waiting_export(user, kind, kept, locale)) is not None:
        return waiting
    job = ExportJob(requested_by_id=user.id, kind=kind, filters=kept, locale=locale,
                    inspections=count)
    db.session.add(job)
    db.session.flush()
    enqueue(TASK, job.id)
    return job


def _waiting_export(user: User, kind: str, kept: dict, locale: str) -> ExportJob | None:
    """The same workbook asked for before and not started yet (a double click, the form sent
    again): it reads what it holds when it runs, so a second would be the same, built twice
    while the queue waits."""
    waiting = db.session.scalars(sa.select(ExportJob).where(
        ExportJob.requested_by_id == user.id, ExportJob.kind == kind,
        ExportJob.status == BatchStatus.QUEUED, ExportJob.locale == locale))
    return next((job for job in waiting if job.filters == kept), None)


def _own(user: User) -> sa.Select:
    """The jobs ``user`` asked for in their present post: one asked for before their role,
    region or organization last changed holds (or would hold) what the old post saw, another
    county's inspections, and is theirs no longer."""
    stmt = sa.select(ExportJob).where(ExportJob.requested_by_id == user.id)
    if user.post_since is not None:
        stmt = stmt.where(ExportJob.created_at >= user.post_since)
    return stmt


def recent_exports(user: User, limit: int = 10) -> list[ExportJob]:
    """The user's latest background exports, newest first."""
    return list(db.session.scalars(_own(user).order_by(ExportJob.id.desc()).limit(limit)))


def get_own_export(user: User, job_id: object) -> ExportJob:
    """The job, if ``user`` asked for it in their present post; anyone else's is not found,
    as a missing one."""
    return one_visible(_own(user), ExportJob.id, job_id)


def build_export(work) -> str:
    """The worker's task: the workbook, written whole (left uncommitted: the worker commits
    the job's end with the task's)."""
    job = db.session.get(ExportJob, work.ref_id)
    if job is None or job.has_ended:
        return "nothing to do"
    job_id, kind, kept, locale = job.id, job.kind, dict(job.filters), job.locale
    user = db.session.get(User, job.requested_by_id)
    former_post = user is not None and db.session.scalar(
        _own(user).with_only_columns(ExportJob.id).where(ExportJob.id == job_id)) is None
    work.confirm()
    set_on_row(ExportJob, job_id, status=BatchStatus.RUNNING)
    db.session.commit()
    with force_locale(locale):
        try:
            if user is None or not user.is_active:
                raise NotFound(_("The account that asked for this export is no longer active."))
            if former_post:
                raise NotFound(_("The account that asked for this export has moved to another "
                                 "post since."))
            f, count = matched(user, kind, kept)
            body = build_now(user, kind, f)
        except DomainError as refusal:  # what the user may see, or the data, changed since
            export_failed(job_id, refusal.message)
            return f"refused: {refusal.message}"
    work.check()
    name = f"export-{job_id}-{kind}.xlsx"
    path = uploads.path_of(AREA, name)
    with uploads.written_whole(path) as part:  # the workbook is there whole, or not at all
        part.write_bytes(body)
    set_on_row(ExportJob, job_id, status=BatchStatus.DONE, inspections=count, file_name=name,
               finished_at=clock.now())
    return f"{count} inspection(s) in {name}"


def export_failed(job_id: int, message: str) -> None:
    """The worker gave up on the job, or refused it: its page shows why."""
    ExportJob.mark_failed(job_id, message)


register_task(TASK, build_export, fail=export_failed)


def remove_old_exports(days: int | None = None) -> int:
    """Jobs older than ``days`` (config ``EXPORT_KEEP_DAYS``) go, with their workbooks once
    the removal commits; returns how many."""
    days = current_app.config["EXPORT_KEEP_DAYS"] if days is None else days
    old = list(db.session.scalars(sa.select(ExportJob).where(
        ExportJob.created_at < clock.now() - timedelta(days=days))))
    files = [uploads.path_of(AREA, job.file_name) for job in old if job.file_name]
    for job in old:
        db.session.delete(job)

    def remove_files() -> None:
        for path in files:
            path.unlink(missing_ok=True)
        uploads.remove_stale_parts(AREA, timedelta(days=days))

    after_commit(remove_files)
    return len(old)


__all__ = ["AREA", "KINDS", "TASK", "build_export", "build_now", "built_while_waiting",
           "filter_fields", "get_own_export", "matched", "queue_export",
           "recent_exports", "remove_old_exports"]
