"""The evaluations feature's part of the demo city: the four built-in templates, published."""

from __future__ import annotations

from app.demo.seed import seed_step
from evaluations.assessment.services import seed_builtin_templates


@seed_step
def seed_templates() -> None:
    seed_builtin_templates()
