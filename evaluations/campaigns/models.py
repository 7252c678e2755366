"""Campaigns (专项行动): one template over many targets in a window."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import TimestampMixin, str_enum
from app.extensions import db

if TYPE_CHECKING:
    from app.regions.models import Region
    from app.users.models import User
    from evaluations.assessment.models import AssessmentTemplate
    from evaluations.inspections.models import Inspection

class Assignment(enum.StrEnum):
    #: each target goes to an inspector bound to a region containing it
    BY_REGION = "by_region"
    #: targets are dealt to the chosen inspectors in turn
    ROUND_ROBIN = "round_robin"


class Recurrence(enum.StrEnum):
    NONE = "none"
    YEARLY = "yearly"
    #: the next three-week survey window (三周工作法: start, middle and end of the year)
    SURVEY_WINDOWS = "survey_windows"


campaign_inspectors = sa.Table(
    "campaign_inspectors",
    db.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaigns.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)


class Campaign(TimestampMixin, db.Model):
    """A batch of inspections with one template over many targets in a window."""

    __tablename__ = "campaigns"
    __table_args__ = (
        sa.CheckConstraint("window_end >= window_start", name="window_order"),
        #: a yearly campaign has at most one successor: creating next year's is idempotent
        sa.UniqueConstraint("previous_id", name="uq_campaigns_previous_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    template_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessment_templates.id"))
    #: targets are chosen inside this region's subtree
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: facility kinds included, e.g. ["elderly_home", "rural_home"] (templates about homes)
    facility_kinds: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: service types of the contracts included, e.g. ["household_survey"] (templates about
    #: contracts): every active contract of these types running in the window
    service_types: so.Mapped[list] = so.mapped_column(sa.JSON, default=list,
                                                      server_default=sa.text("'[]'"))
    #: codes of the counties chosen inside the region; empty: the whole region
    county_codes: so.Mapped[list] = so.mapped_column(sa.JSON, default=list,
                                                     server_default=sa.text("'[]'"))
    window_start: so.Mapped[date]
    window_end: so.Mapped[date]
    assignment: so.Mapped[Assignment] = so.mapped_column(
        str_enum(Assignment, "campaign_assignment", 16), default=Assignment.BY_REGION)
    recurrence: so.Mapped[Recurrence] = so.mapped_column(
        str_enum(Recurrence, "campaign_recurrence", 16), default=Recurrence.NONE)
    #: for yearly campaigns: the campaign of the previous year this one was created from
    previous_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("campaigns.id"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    template: so.Mapped[AssessmentTemplate] = so.relationship()
    region: so.Mapped[Region] = so.relationship()
    inspectors: so.Mapped[list[User]] = so.relationship(secondary=campaign_inspectors,
                                                        order_by="User.id")
    inspections: so.Mapped[list[Inspection]] = so.relationship(viewonly=True,
                                                               order_by="Inspection.id")
    previous: so.Mapped[Campaign | None] = so.relationship(remote_side=[id])
    created_by: so.Mapped[User | None] = so.relationship(foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.name}>"

    @property
    def year(self) -> int:
        return self.window_start.year
