"""Steps the browser tests of the field form share: log in, open the form and wait until its
script has loaded the device's copy, answer an item as a finger would, read the status line.

Every wait polls for a condition with a deadline (Playwright's ``wait_for_function``)."""

from __future__ import annotations

from tests.clients import PASSWORD

DEADLINE_MS = 20_000


def new_device(browser, *, width=820, height=1180, accept_dialogs=True):
    """A browser context standing for one device. (Its User-Agent stays the browser's own:
    the service worker's requests carry that one, and the login session is bound to it.)"""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    context.dialogs = []   # the types of the dialogs accepted, in order

    def accept(dialog):
        context.dialogs.append(dialog.type)
        dialog.accept()

    if accept_dialogs:
        page.on("dialog", accept)
    return context, page


def login(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main [type=submit]")
    page.wait_for_load_state()


def open_form(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("form[data-booted]", state="attached", timeout=DEADLINE_MS)


def wait_kept_offline(page) -> None:
    """Until the service worker has stored this page and the ones it lists."""
    page.wait_for_function("() => document.documentElement.dataset.offlineReady",
                           timeout=DEADLINE_MS)
    page.wait_for_function("() => caches.match(location.href).then(Boolean)", timeout=DEADLINE_MS)


def set_offline(context, offline: bool, recorder) -> None:
    """Take the device off the line or put it back. Playwright's switch tells the pages
    (``navigator.onLine``) but reaches a page that has just reloaded late, and does not stop
    the requests a service worker sees; a device off the line reaches no server, so the test
    server also drops every request of the device's session (``Recorder.line_down``)."""
    recorder.line_down(session_of(context), offline)
    context.set_offline(offline)


def session_of(context) -> str:
    """The device's login session cookie, which marks its requests in the server's record."""
    return next(c["value"] for c in context.cookies() if c["name"] == "session")


def status(page) -> str:
    return page.get_attribute("#field-status", "data-state")


def wait_status(page, *states: str) -> str:
    page.wait_for_function(
        "states => states.includes(document.getElementById('field-status').dataset.state)",
        arg=list(states), timeout=DEADLINE_MS)
    return status(page)


def item_ids(page) -> list[tuple[str, str]]:
    """(item id, kind) of every item, in the form's order."""
    return page.eval_on_selector_all(
        ".field-item", "els => els.map(el => [el.dataset.itemId, el.dataset.kind])")


def answer(page, item_id: str, kind: str, choice: str = "high") -> str:
    """Answer an item; yes/no items get yes (``high``) or no, points items one point or
    their first step above zero. Returns the value the control holds."""
    if kind == "yes_no":
        value = "yes" if choice == "high" else "no"
        page.click(f"label[for='a-{item_id}-{value}']")
        return value
    if kind == "reading":  # a measured room temperature
        value = "19.5" if choice == "high" else "16.5"
        page.fill(f"#a-{item_id}", value)
        return value
    if page.locator(f"#a-{item_id}-1").count():
        index = 2 if choice == "high" else 1
        page.click(f"label[for='a-{item_id}-{index}']")
        return page.get_attribute(f"#a-{item_id}-{index}", "value")
    page.fill(f"#a-{item_id}", "1")
    return "1"


def control_value(page, item_id: str) -> str:
    return page.evaluate(
        """id => { const c = document.querySelector(`#item-${id} input[name="a-${id}"]:checked`)
                 || document.querySelector(`#item-${id} input[type=number][name="a-${id}"]`);
                 return c ? c.value : ""; }""", item_id)
