"""An address whose domain is written in Chinese (IDN) is mailed to its ASCII spelling
(xn--…), which every mail server takes: sent as typed, a server without SMTPUTF8 refused it on
every retry, and the notice never left."""

from __future__ import annotations

import pytest

from app.notifications import kinds, services
from tests.mail import SmtpServer, free_port


@pytest.fixture
def ascii_smtp(app, monkeypatch):
    """A mail server that takes ASCII addresses only (no SMTPUTF8)."""
    server = SmtpServer(free_port(), smtputf8=False)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    server.start()
    yield server
    server.stop()


def test_an_address_with_a_chinese_domain_is_mailed(db, make_user, ascii_smtp):
    user = make_user("provider", email="li.ming@民政局.中国")
    assert user.email == "li.ming@民政局.中国"  # stored and shown as the user typed it
    notice = services.notify(user, kinds.SUBMISSION_DUE, "报告即将到期", "12 月 1 日截止。",
                             dedupe_key="idn")
    db.session.commit()
    [(recipients, message)] = ascii_smtp.inbox.messages
    assert recipients == ["li.ming@xn--dgt32swyf.xn--fiqs8s"]
    assert message["Subject"] == "报告即将到期"
    db.session.refresh(notice)
    assert notice.emailed_at is not None and notice.email_error is None


def test_a_chinese_local_part_needs_smtputf8_and_is_kept_for_a_retry(db, make_user,
                                                                     ascii_smtp):
    """No ASCII spelling exists for 李明@…: refused by this server, the notice says why and
    stays for the retry job (a server with SMTPUTF8 takes it)."""
    user = make_user("provider", email="李明@example.cn")
    notice = services.notify(user, kinds.SUBMISSION_DUE, "报告即将到期", dedupe_key="utf8")
    db.session.commit()
    assert ascii_smtp.inbox.messages == []
    db.session.refresh(notice)
    assert notice.emailed_at is None and "SMTPUTF8" in notice.email_error
