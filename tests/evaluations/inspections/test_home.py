"""The inspector's home and list: overdue and today's inspections first, the next one a tap
away, each form named for the offline cache; the service worker script and its scope."""

from __future__ import annotations

import re
from datetime import date

from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import save_changes
from tests.clients import Browser
from tests.factories import on

TODAY = date(2026, 11, 10)


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def _world(db, schedule, make_user):
    on(TODAY)
    overdue = schedule(scheduled_for=date(2026, 11, 3))
    today = schedule(scheduled_for=TODAY)
    later = schedule(scheduled_for=date(2026, 11, 20))
    done = schedule(scheduled_for=date(2026, 11, 1))
    done.status = InspectionStatus.SUBMITTED
    stranger = make_user("inspector", region="a")
    theirs = schedule(scheduled_for=date(2026, 11, 2), inspector=stranger)
    db.session.commit()
    return overdue, today, later, done, theirs


def _form(inspection) -> str:
    return f"/evaluations/inspections/{inspection.id}/form"


def test_home_lists_overdue_then_today_then_next(app, db, schedule, inspection_world,
                                                 make_user):
    overdue, today, later, done, theirs = _world(db, schedule, make_user)
    page = _login(app, inspection_world.inspector).get("/").get_data(as_text=True)
    todo = page[page.index('id="inspector-todo"'):]
    assert re.search(r'id="next-inspection" href="' + re.escape(_form(overdue)), todo)
    positions = [todo.index(f'data-offline-url="{_form(i)}"') for i in (overdue, today, later)]
    assert positions == sorted(positions)
    assert todo.index('id="todo-overdue"') < positions[0] < todo.index('id="todo-today"') \
        < positions[1] < todo.index('id="todo-upcoming"') < positions[2]
    assert _form(done) not in todo and _form(theirs) not in todo
    assert 'src="/static/field/offline.js"' in todo

    officer = _login(app, inspection_world.officer).get("/")
    officer_home = officer.get_data(as_text=True)
    assert 'id="inspector-todo"' not in officer_home and "field/offline.js" not in officer_home
    # only an inspector's pages are marked for the offline cache, with their owner
    assert "X-Offline-Owner" not in officer.headers
    home = _login(app, inspection_world.inspector).get("/")
    assert home.headers["X-Offline-Owner"] == str(inspection_world.inspector.id)


def test_list_puts_the_work_to_do_first(app, db, schedule, inspection_world, make_user):
    overdue, today, later, done, theirs = _world(db, schedule, make_user)
    page = _login(app, inspection_world.inspector).get("/evaluations/inspections"
                                                       ).get_data(as_text=True)
    order = [page.index(f"/evaluations/inspections/{i.id}") for i in (overdue, today, later)]
    assert order == sorted(order) and page.index(f"/evaluations/inspections/{done.id}") > order[2]
    assert f"/evaluations/inspections/{theirs.id}" not in page
    row = page[order[0]:order[1]]
    assert "Overdue" in row and 'data-offline-url' in row
    assert "Today" in page[order[1]:order[2]]
    assert 'class="table table-hover align-middle table-cards"' in page

    zh = _login(app, make_user("inspector", region="a", locale="zh_CN"))
    assert "我的待办检查" in zh.get("/").get_data(as_text=True)


def test_the_service_worker_is_served_for_the_whole_site(client):
    response = client.get("/evaluations/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    assert b"careprocure-field-" in response.data


def test_the_overdue_card_opens_the_list_of_what_it_counts(app, db, schedule, inspection_world,
                                                           make_user):
    """A visit begun but not submitted by its day is overdue too, on the card and its list."""
    overdue, _today, _later, _done, theirs = _world(db, schedule, make_user)
    begun = schedule(scheduled_for=date(2026, 11, 4))
    save_changes(begun, answers=[{"item_id": inspection_world.template.items[0].id,
                                  "yes": True, "base_version": 0}],
                 actor=inspection_world.inspector)
    db.session.commit()
    officer = _login(app, inspection_world.officer)
    card = re.search(r'Inspections overdue</div>\s*<div class="[^"]*"><a href="([^"]+)"[^>]*>'
                     r'(\d+)<', officer.get("/").get_data(as_text=True))
    assert card.group(2) == "3"     # the overdue one, the begun one, and the other inspector's
    listed = officer.get(card.group(1).replace("&amp;", "&")).get_data(as_text=True)
    shown = set(re.findall(r'href="/evaluations/inspections/(\d+)"', listed))
    assert shown == {str(i.id) for i in (overdue, begun, theirs)}
    assert '<option value="overdue" selected>' in listed
