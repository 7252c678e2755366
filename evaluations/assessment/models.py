"""Assessment templates (评估表): versions, their sections and items.

A template is versioned by ``(code, version)``. A version is never edited once it exists: an
edit makes the next version of the same code (``services.new_version``), so every
inspection keeps pointing at exactly the form its inspector filled. The *current* version of
a code is its highest published version.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import Revisioned, TimestampMixin, str_enum
from app.extensions import db
from evaluations.assessment.parameters import fill
from evaluations.item_kinds import KINDS

if TYPE_CHECKING:
    from app.users.models import User


class TemplateStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class TemplateTarget(enum.StrEnum):
    FACILITY = "facility"
    CONTRACT = "contract"




class AssessmentTemplate(Revisioned, TimestampMixin, db.Model):
    """One version of an assessment template (评估表)."""

    __tablename__ = "assessment_templates"
    __table_args__ = (
        sa.UniqueConstraint("code", "version", name="uq_assessment_templates_code_version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: stable identifier shared by all versions, e.g. ``quality`` (API.md "Codes")
    code: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    #: 1, 2, ... per code; an edit makes the next one
    version: so.Mapped[int] = so.mapped_column(default=1)
    #: Chinese name, always present
    name_zh: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: English name; may be empty (the UI falls back to Chinese)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    description_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: what an inspection with this template is about: a facility or a contract
    target: so.Mapped[TemplateTarget] = so.mapped_column(str_enum(TemplateTarget, "template_target",
                                                               16))
    #: grade bands, highest first, the last at 0: ``[{"grade": "excellent", "min_score": 90}]``
    grade_bands: so.Mapped[list] = so.mapped_column(sa.JSON)
    status: so.Mapped[TemplateStatus] = so.mapped_column(
        str_enum(TemplateStatus, "template_status", 16), default=TemplateStatus.DRAFT)
    #: submit requires the inspector's and the representative's signatures
    signatures_required: so.Mapped[bool] = so.mapped_column(default=False,
                                                            server_default=sa.false())
    #: named values the item texts show as ``{key}`` (``assessment.parameters``):
    #: ``{"min_room_temperature": {"value": 18, "unit": "℃", "label": {"zh_CN", "en"}}}``
    parameters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict,
                                                   server_default=sa.text("'{}'"))
    #: who imported or edited this version; None for the built-in seed
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    created_by: so.Mapped[User | None] = so.relationship()
    sections: so.Mapped[list[TemplateSection]] = so.relationship(
        back_populates="template", order_by="TemplateSection.position",
        cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<AssessmentTemplate {self.code} v{self.version} {self.status}>"

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_zh

    def description(self, locale: str) -> str:
        return self.description_en if locale == "en" and self.description_en else self.description_zh

    @property
    def items(self) -> list[TemplateItem]:
        return [item for section in self.sections for item in section.items]


class TemplateSection(db.Model):
    """A weighted section of one template version."""

    __tablename__ = "template_sections"
    __table_args__ = (
        sa.UniqueConstraint("template_id", "position", name="uq_template_sections_position"),
        sa.UniqueConstraint("template_id", "key", name="uq_template_sections_key"),
        sa.CheckConstraint("weight >= 0", name="weight_not_negative"),
        sa.CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    template_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assessment_templates.id", ondelete="CASCADE"), index=True)
    #: 0-based order in the template
    position: so.Mapped[int]
    #: snake_case key, unique within the template (stable across versions)
    key: so.Mapped[str] = so.mapped_column(sa.String(60))
    name_zh: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: relative weight in the total (DESIGN.md §4); 0 = shown but not counted
    weight: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(8, 2))

    template: so.Mapped[AssessmentTemplate] = so.relationship(back_populates="sections")
    items: so.Mapped[list[TemplateItem]] = so.relationship(
        back_populates="section", order_by="TemplateItem.position", cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_zh


class TemplateItem(db.Model):
    """One question of a section: its kind, maximum points and flags."""

    __tablename__ = "template_items"
    __table_args__ = (
        sa.UniqueConstraint("section_id", "position", name="uq_template_items_position"),
        sa.UniqueConstraint("section_id", "key", name="uq_template_items_key"),
        sa.CheckConstraint("max_points > 0", name="max_points_positive"),
        sa.CheckConstraint("max_points * 2 = CAST(max_points * 2 AS INTEGER)",
                           name="max_points_half_step"),
        sa.CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("template_sections.id", ondelete="CASCADE"), index=True)
    #: 0-based order in the section
    position: so.Mapped[int]
    #: snake_case key, unique within the template (stable across versions)
    key: so.Mapped[str] = so.mapped_column(sa.String(60))
    text_zh: so.Mapped[str] = so.mapped_column(sa.Text)
    text_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: how the inspector judges the item (what to look at, what scores what)
    guidance_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    guidance_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: key in ``evaluations.item_kinds.KINDS`` (``points``, ``yes_no``)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: positive, in steps of 0.5
    max_points: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(6, 1))
    #: veto item (一票否决): 0 points fails the inspection
    critical: so.Mapped[bool] = so.mapped_column(default=False)
    #: the inspector may mark it N/A
    allow_na: so.Mapped[bool] = so.mapped_column(default=False)
    #: the inspector must attach a photo or document
    evidence_required: so.Mapped[bool] = so.mapped_column(default=False)
    #: ``reading`` items: the parameters that score the measured value and its range
    #: (``assessment.readings``): ``{"full_at", "half_at", "min", "max", "unit"}``
    reading: so.Mapped[dict | None] = so.mapped_column(sa.JSON)

    section: so.Mapped[TemplateSection] = so.relationship(back_populates="items")

    @so.validates("kind")
    def _check_kind(self, _key: str, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown item kind {kind!r}")
        return kind

    def text(self, locale: str) -> str:
        """The text in ``locale`` with the template's parameters filled in."""
        return fill(self.text_en if locale == "en" and self.text_en else self.text_zh,
                    self.section.template.parameters)

    def guidance(self, locale: str) -> str:
        return fill(self.guidance_en if locale == "en" and self.guidance_en
                    else self.guidance_zh, self.section.template.parameters)
