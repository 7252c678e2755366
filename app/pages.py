"""Slots on a feature's pages where the features above it add links and panels.

A contract page shows "Performance and payment" because the reports feature put that link into
the contract page's slot; the contracts templates never name another feature's endpoint or
template, so imports and links both point one way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, url_for
from flask_login import current_user

from app.users.models import Role, User


@dataclass(frozen=True)
class SlotLink:
    label: str
    endpoint: str
    #: the endpoint's arguments, from the page's object
    args: Callable[[Any], dict]
    roles: frozenset[Role]
    #: whether the link applies to this object (e.g. not for a draft contract)
    applies: Callable[[Any], bool]


_links: dict[str, list[SlotLink]] = defaultdict(list)
_panels: dict[str, list[str]] = defaultdict(list)


def add_link(slot: str, label: str, endpoint: str, *, args: Callable[[Any], dict],
             roles: set[Role] | frozenset[Role] = frozenset(Role),
             applies: Callable[[Any], bool] = lambda obj: True) -> None:
    """Show a link to ``endpoint`` in ``slot`` of another feature's page."""
    if all(link.endpoint != endpoint for link in _links[slot]):
        _links[slot].append(SlotLink(label, endpoint, args, frozenset(roles), applies))


def add_panel(slot: str, template: str) -> None:
    """Include ``template`` (with the page's context) in ``slot`` of another feature's page."""
    if template not in _panels[slot]:
        _panels[slot].append(template)


def links_for(slot: str, obj: Any, user: User | None = None) -> list[tuple[str, str]]:
    """``(label, url)`` of the links in ``slot`` that apply to ``obj`` for the user."""
    user = user or current_user
    return [(str(link.label), url_for(link.endpoint, **link.args(obj)))
            for link in _links[slot] if user.role in link.roles and link.applies(obj)]


def panels_in(slot: str) -> list[str]:
    return list(_panels[slot])


def init_app(app: Flask) -> None:
    app.add_template_global(links_for, "slot_links")
    app.add_template_global(panels_in, "slot_panels")
