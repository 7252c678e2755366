"""Imports point one way: reports → evaluations → contracts → app (DESIGN.md §5).

Only the composition root (app/factory.py) may know every feature.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["app", "contracts", "evaluations", "reports"]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", LAYERS)
def test_no_package_imports_a_layer_above_it(layer):
    above = set(LAYERS[LAYERS.index(layer) + 1:])
    offenders = []
    for path in (ROOT / layer).rglob("*.py"):
        if path == ROOT / "app" / "factory.py":
            continue
        wrong = imported_packages(path) & above
        if wrong:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert not offenders, "\n".join(offenders)


_ENDPOINT = re.compile(r"""url_for\(\s*['"]([a-z_]+)\.""")
_TEMPLATE = re.compile(r"""\{%-?\s*(?:include|import|from|extends)\s+['"]([a-z_]+)/""")


def _layer_of_name(name: str) -> str:
    """The layer owning a blueprint name or a template folder (core blueprints are ``app``)."""
    return name if name in LAYERS else "app"


@pytest.mark.parametrize("layer", LAYERS)
def test_no_template_names_a_layer_above_it(layer):
    above = set(LAYERS[LAYERS.index(layer) + 1:])
    offenders = []
    for path in (ROOT / layer).rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        named = {_layer_of_name(m) for m in _ENDPOINT.findall(text) + _TEMPLATE.findall(text)}
        if named & above:
            offenders.append(f"{path.relative_to(ROOT)} names {sorted(named & above)}")
    assert not offenders, "\n".join(offenders)
