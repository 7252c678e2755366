"""Both languages: chosen by the user's setting, else Accept-Language, with a switcher; the
zh_CN catalog covers every string of the code."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


def test_login_page_in_chinese_by_accept_language(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(
        as_text=True)
    assert "登录" in page and "密码" in page
    assert 'lang="zh-CN"' in page


def test_a_word_with_two_meanings_gets_two_translations(app):
    from flask_babel import force_locale, gettext, pgettext

    with app.test_request_context(), force_locale("zh_CN"):
        assert gettext("Disabled") == "停用"  # an account
        assert pgettext("ward", "Disabled") == "失能"  # a care ward


def test_login_page_in_english_by_accept_language(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True)
    assert "Log in" in page and "Password" in page and "密码" not in page


def test_dashboard_follows_the_users_setting(as_user, db):
    browser, user = as_user("admin", locale="zh_CN")
    page = browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "工作台" in page and "审计日志" in page
    user.locale = "en"
    db.session.commit()
    page = browser.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Dashboard" in page and "Audit trail" in page


def test_switcher_changes_and_remembers_the_language(as_user, db):
    browser, user = as_user("officer")
    browser.get("/")
    response = browser.post("/language", {"locale": "zh_CN", "next": "/"})
    assert response.status_code == 302
    assert "工作台" in browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "zh_CN"


def test_switcher_works_before_login(browser):
    browser.get("/login")
    browser.post("/language", {"locale": "zh_CN", "next": "/login"})
    assert "密码" in browser.get("/login", headers={"Accept-Language": "en"}).get_data(
        as_text=True)


def test_catalog_translates_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-k", "pgettext:1c,2",
         "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        wanted = {(m.context, m.id) for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    translated = {(m.context, m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(m) for m in wanted - translated)
    assert not missing, f"{len(missing)} strings lack a zh_CN translation: {missing[:10]}"


def test_switcher_without_csrf_token_is_refused(as_user):
    browser, _ = as_user("officer")
    response = browser.post("/language", {"locale": "zh_CN", "next": "/"}, csrf=False)
    assert response.status_code == 400
    assert "Dashboard" in browser.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)


def test_every_translation_keeps_the_placeholders_of_its_message():
    """What `pybabel compile` (run by `make`) refuses: a translation whose placeholders differ
    from its message's, e.g. a "1 % o" that Babel takes for a format."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in catalog.check()]
    assert problems == []


def test_each_user_reads_the_navigation_in_their_own_language(as_user):
    chinese, _ = as_user("officer", region="a", locale="zh_CN")
    english, _ = as_user("officer", region="a", locale="en")
    for _ in range(2):  # alternating, as two users of one worker do
        assert ">服务合同</a>" in chinese.get("/contracts").get_data(as_text=True)
        page = english.get("/contracts").get_data(as_text=True)
        assert ">Contracts</a>" in page and ">服务合同</a>" not in page


def test_a_forced_language_holds_inside_a_request_and_ends_with_it(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert gettext("Contracts") == "Contracts"
        with force_locale("zh_CN"):
            assert gettext("Contracts") == "服务合同"
        assert gettext("Contracts") == "Contracts"
        with force_locale("zh_CN"):
            assert gettext("Contracts") == "服务合同"
