"""Reports stand on contracts and evaluations: reuse their factories."""

from tests.contracts.conftest import (  # noqa: F401
    make_contract,
    make_procurement,
    qualified_provider,
)
from tests.evaluations.conftest import (  # noqa: F401
    fixed_today,
    inspection_world,
    make_facility,
    make_operation_contract,
    make_scored_inspection,
    make_template,
    schedule,
)
