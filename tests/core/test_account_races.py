"""Changes of one account made at the same instant (an administrator's reset or sign-out and
the user's own change of password): each is judged on what the other committed, and none is
lost."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth import services as auth
from app.extensions import db as _db
from app.users import services
from app.users.models import User
from app.users.services import password_matches
from tests.clients import PASSWORD
from tests.locks import first_held_while_the_second_waits

ADMINS_CHOICE = "violet-harbour-lantern-9"
INTRUDERS_CHOICE = "amber-quarry-whistle-4"


def _user(user_id: int) -> User:
    return _db.session.get(User, user_id)


def test_an_own_change_with_the_old_password_loses_to_the_reset_just_before(app, db,
                                                                           make_user):
    """The administrator resets a password to lock out whoever knows the old one; that
    person, changing it at the same instant with the old password, was heard after the reset
    and overwrote it: their password stood, and their session with it."""
    user_id = make_user("officer").id

    def reset():
        services.reset_password(_user(user_id), ADMINS_CHOICE)
        _db.session.flush()

    def own_change():
        auth.change_own_password(_user(user_id), PASSWORD, INTRUDERS_CHOICE, "192.0.2.7")

    outcomes = first_held_while_the_second_waits(app, reset, own_change)
    assert outcomes[0] is None, outcomes
    assert outcomes[1] is not None and "Wrong e-mail or password" in outcomes[1], outcomes
    db.session.expire_all()
    assert password_matches(_user(user_id), ADMINS_CHOICE)


def test_two_signs_out_at_once_both_move_the_generation(app, db, make_user):
    """Each read the generation before the other wrote it and both wrote the same next one:
    a session issued by the one (the user's own change keeps its browser signed in) outlived
    the other's "sign out everywhere"."""
    user_id = make_user("officer").id
    before = _user(user_id).session_generation
    db.session.commit()

    def sign_out():
        services.end_sessions(_user(user_id))
        _db.session.flush()

    outcomes = first_held_while_the_second_waits(app, sign_out, sign_out)
    assert outcomes == [None, None], outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.session_generation)
                             .where(User.id == user_id)) == before + 2
