"""A form's choice among the rows a user may see, when they may be thousands: a city officer
scheduling an inspection may pick any of ~300 homes and ~3,000 contracts, and sent as options
they weighed 260 KB a page.

:class:`LookupField` is a drop-down narrowed by typing while the rows are few
(:data:`LIST_MAX`), and a typeahead asking the server for the rows matching what is typed
when they are more (``typeahead.js``, the answer of :func:`suggestions_answer`). Either way
the form sends the row's id as the field's name; without script (or when the id was not
picked) the text box, sent as ``<name>_text``, must name exactly one row, and when it names
none or several the form comes back with the rows it matches to pick from.

A :class:`Lookup` says which rows the user may see: the field never shows, accepts or tells
apart a row outside them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

import sqlalchemy as sa
from flask import g, jsonify, request
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import SelectField
from wtforms.validators import StopValidation
from wtforms.widgets import Select, html_params

from app import validation as v
from app.api.errors import error_body
from app.db import page_of
from app.extensions import db
from app.forms import NARROW

#: above this many rows the field is a typeahead instead of a drop-down
LIST_MAX = 100
#: suggestions a typed text gets at most
SUGGESTIONS = 10
#: the longest text looked up or named (a name is at most 200 characters)
TEXT_MAX = 200


class Option(NamedTuple):
    #: the row's key: its id, or where a field offers rows of two tables "table:id"
    id: Any
    name: str


class Lookup(Protocol):
    """The rows one user may pick, by id and label."""

    def first(self, count: int) -> list[Option]:
        """The first ``count`` rows, in the order a drop-down lists them."""

    def label(self, ident: Any) -> str | None:
        """The label of row ``ident``; None when there is no such row among them."""

    def named(self, text: str) -> list[Option]:
        """The rows ``text`` names exactly (a number, a whole name); two at most."""

    def matching(self, text: str, count: int) -> list[Option]:
        """The first ``count`` rows whose label contains ``text``."""


class RowsLookup:
    """A :class:`Lookup` over ``rows()``, a select of ``columns`` (the key and the label) in the
    order the field offers them; a subclass says which rows a text names and matches, through
    :meth:`_among`."""

    columns: tuple[Any, Any]

    def rows(self) -> sa.Select:
        raise NotImplementedError

    def _among(self, *conditions: Any, count: int) -> list[Option]:
        stmt = page_of(self.rows().where(*conditions), count)
        return [Option(*row) for row in db.session.execute(stmt)]

    def first(self, count: int) -> list[Option]:
        return self._among(count=count)

    def label(self, ident: Any) -> str | None:
        key, shown = self.columns
        return db.session.scalar(self.rows().where(key == ident).with_only_columns(shown))


def _row_id(value: Any) -> int | None:
    """The id the form sent: none for an empty value; a value no INTEGER column holds is
    refused as text is."""
    if value in (None, ""):
        return None
    return v.bounded_int(value)


def _not_among() -> str:
    return _("Not among the ones you may choose: pick one from the list.")


def load_typeahead() -> str:
    """Have the layout load ``typeahead.js`` (it reads ``g.typeahead_shown``): called by what
    renders a typeahead, this module's widget and the list filters' ``provider_filter`` macro
    (a template global). Returns nothing to show."""
    g.typeahead_shown = True
    return ""


class TypeaheadSelect(Select):
    """A drop-down (narrowed by typing, app.js) while the field lists its rows; else the text
    box of a typeahead, the id it picks in a hidden input beside it."""

    def __call__(self, field: LookupField, **kwargs: Any) -> Markup:
        if not field.typeahead:
            kwargs["class"] = kwargs.get("class", "").replace("form-control", "form-select")
            kwargs.setdefault("data-searchable", str(field.hint))
            return super().__call__(field, **kwargs)
        load_typeahead()
        kwargs.setdefault("id", field.id)
        listbox = f"{kwargs['id']}-suggestions"
        text = html_params(
            type="search", name=f"{field.name}_text", value=field.shown_text(),
            role="combobox", autocomplete="off", placeholder=str(field.hint),
            **{"aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listbox},
            **kwargs)
        chosen = "" if field.data is None else str(field.data)
        return self._box(field, text, listbox, chosen) + self._candidates(field, kwargs["id"])

    @staticmethod
    def _box(field: LookupField, text: str, listbox: str, chosen: str) -> Markup:
        return Markup(
            '<div class="typeahead" data-typeahead="{url}" data-key="options" data-none="{none}"'
            ' data-more="{more}"><input type="hidden" name="{name}" value="{chosen}"{off}>'
            '<input {text}><ul class="list-group typeahead-list shadow-sm" id="{listbox}"'
            ' role="listbox" aria-label="{label}" hidden></ul></div>').format(
                url=field.suggest, none=_("Nothing matches."),
                more=_("More match: type more of the name."), name=field.name, chosen=chosen,
                off=Markup("") if chosen else Markup(" disabled"), text=Markup(text),
                listbox=listbox, label=field.label.text)

    @staticmethod
    def _candidates(field: LookupField, ident: str) -> Markup:
        """The rows a refused text matches, to pick from without script."""
        if not field.candidates:
            return Markup("")
        radios = Markup("").join(
            Markup('<div class="form-check"><input class="form-check-input" type="radio"'
                   ' name="{name}" id="{id}" value="{key}"><label class="form-check-label"'
                   ' for="{id}">{label}</label></div>').format(
                name=field.name, id=f"{ident}-match-{n}", key=row.id, label=row.name)
            for n, row in enumerate(field.candidates[:SUGGESTIONS]))
        more = (Markup('<div class="form-text">{}</div>').format(
            _("More match: type more of the name.")) if len(field.candidates) > SUGGESTIONS
            else Markup(""))
        return Markup('<fieldset class="mt-2"><legend class="form-label small mb-1">{legend}'
                      '</legend>{radios}{more}</fieldset>').format(
            legend=_("Those that match “%(text)s”:", text=field.text), radios=radios, more=more)


class LookupField(SelectField):
    """The id of a row among those a :class:`Lookup` gives (see the module). The form binds
    them with :meth:`offer` before it processes what was sent."""

    widget = TypeaheadSelect()

    def __init__(self, label: Any = None, validators: Any = None, *,
                 hint: Any = NARROW, coerce: Callable[[Any], Any] = _row_id, **kwargs: Any):
        super().__init__(label, validators, coerce=coerce, **kwargs)
        self.hint = hint
        self.lookup: Lookup | None = None
        self.suggest = ""
        self.typeahead = False
        self.text = ""
        self.chosen_label: str | None = None
        #: the rows a text that named none or several matches, offered as radio buttons
        self.candidates: list[Option] = []

    def offer(self, lookup: Lookup, suggest: str) -> None:
        """Offer the rows of ``lookup``; ``suggest``: the URL answering what is typed."""
        self.lookup, self.suggest = lookup, suggest
        rows = lookup.first(LIST_MAX + 1)
        self.typeahead = len(rows) > LIST_MAX
        self.choices = [("", "—")] + ([] if self.typeahead else [tuple(r) for r in rows])

    def shown_text(self) -> str:
        """What the text box shows: the chosen row's label, else the text sent."""
        if self.chosen_label is None and self.data is not None and self.lookup:
            self.chosen_label = self.lookup.label(self.data)  # the row a record holds
        return self.chosen_label or self.text

    def choose(self, key: Any) -> None:
        """Show row ``key`` as chosen (a link naming it), if the user may pick it."""
        self.chosen_label = self.lookup.label(key) if self.lookup else None
        self.data = key if self.chosen_label is not None else None

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.refused, self.candidates = False, []
        super().process(formdata, data, extra_filters)
        self.text = (formdata.get(f"{self.name}_text") or "").strip() if formdata else ""

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:  # no key of a row at all: refused as one the user may not pick
            self.data, self.refused = None, True

    def pre_validate(self, form: Any) -> None:
        if self.refused:
            raise StopValidation(_not_among())
        if self.data is None and self.text:
            self.data = self._named()
        if self.data is None:
            return
        label = (dict(self.choices).get(self.data) if not self.typeahead
                 else self.lookup.label(self.data) if self.lookup else None)
        if label is None:
            self.data = None
            raise StopValidation(_not_among())
        self.chosen_label = label

    def _named(self) -> Any:
        problem = v.text_problem(self.text, multiline=False)
        if problem or len(self.text) > TEXT_MAX:
            raise StopValidation(problem or _("Type at most %(max)d characters.", max=TEXT_MAX))
        found = self.lookup.named(self.text) if self.lookup else []
        if len(found) != 1 and self.lookup:
            self.candidates = self.lookup.matching(self.text, SUGGESTIONS + 1)
        if not found:
            raise StopValidation(_("Nothing matches “%(text)s”: pick one from the list.",
                                    text=self.text))
        if len(found) > 1:
            raise StopValidation(_("Several match “%(text)s”: pick one from the list.",
                                    text=self.text))
        return found[0].id


def suggestions_answer(lookup: Callable[[], Lookup]):
    """A typeahead's answer to ``?q=``: ``{"options": [{"id", "name"}], "more"}``, the first
    rows of ``lookup()`` whose label contains it; 400 naming ``q`` when it is too long."""
    q = request.args.get("q", "").strip()
    if len(q) > TEXT_MAX:
        message = _("Type at most %(max)d characters.", max=TEXT_MAX)
        return jsonify(error_body(400, message, {"q": [message]})), 400
    found = lookup().matching(q, SUGGESTIONS + 1)
    return jsonify(options=[o._asdict() for o in found[:SUGGESTIONS]],
                   more=len(found) > SUGGESTIONS)
