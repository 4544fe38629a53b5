"""Accounts: argon2id passwords, revocable server-side sessions, hashed API tokens and the sign-in rate limit."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select, update

from zerocity.services import accounts, audit
from zerocity.services.actor import EDITOR, VIEWER, Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotAuthenticated, NotFound, RateLimited
from zerocity.store.db import Database
from zerocity.store.models import ApiToken, User, WebSession, utcnow

if TYPE_CHECKING:
    from tests.services.conftest import World

PASSWORD = "correct horse battery"  # the world's accounts all have this one


def _user(db: Database, email: str) -> User:
    with db.read() as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user


def _authenticate(db: Database, email: str, password: str) -> User | None:
    with db.write() as session:
        return accounts.authenticate(session, email, password)


def _sign_in(db: Database, email: str, hours: int = 8) -> str:
    with db.write() as session:
        user = accounts.authenticate(session, email, PASSWORD)
        assert user is not None
        return accounts.start_session(session, user, hours).token


def _session_actor(db: Database, token: str) -> Actor | None:
    with db.read() as session:
        return accounts.actor_from_session(session, token)


# -- users and passwords --------------------------------------------------------------------------------------------
def test_a_new_account_stores_an_argon2id_hash_never_the_password(world: World) -> None:
    with world.db.write() as session:
        user = accounts.create_user(
            session,
            world.admin,
            email=" New.Officer@Example.ORG ",
            display_name="新承辦人",
            password="a long passphrase",
        )
    stored = _user(world.db, "new.officer@example.org")
    assert stored.id == user.id
    # RFC 9106 second recommended parameters, as STACK.md says: m = 64 MiB, t = 3, p = 4.
    assert stored.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "a long passphrase" not in stored.password_hash
    assert _authenticate(world.db, "new.officer@example.org", "a long passphrase") is not None


def test_creating_an_account_is_audited_without_the_password(world: World) -> None:
    with world.db.write() as session:
        user = accounts.create_user(
            session, world.admin, email="auditor@example.org", display_name="Auditor", password="a long passphrase"
        )
    with world.db.read() as session:
        entries, _ = audit.entries(session)
    entry = next(e for e in entries if e.entity == "user" and e.entity_id == str(user.id))
    assert (entry.action, entry.user_id) == ("create", world.admin.user_id)
    assert "auditor@example.org" in (entry.new_value or "")
    assert "passphrase" not in (entry.new_value or "")


def test_only_a_centre_administrator_creates_accounts(world: World) -> None:
    for actor, error in ((world.editor, Forbidden), (world.public, NotAuthenticated)):
        with pytest.raises(error), world.db.write() as session:
            accounts.create_user(
                session, actor, email="someone@example.org", display_name="x", password="a long passphrase"
            )


def test_a_second_account_with_the_same_email_in_any_case_is_a_conflict(world: World) -> None:
    with pytest.raises(Conflict), world.db.write() as session:
        accounts.create_user(
            session, world.admin, email="EDITOR@Kaohsiung.example.org", display_name="x", password="a long passphrase"
        )


@pytest.mark.parametrize(("email", "password"), [("no-at-sign", "a long passphrase"), ("ok@example.org", "short")])
def test_a_bad_email_or_a_short_password_is_refused(world: World, email: str, password: str) -> None:
    with pytest.raises(InvalidRequest), world.db.write() as session:
        accounts.create_user(session, world.admin, email=email, display_name="x", password=password)


def test_authenticate_accepts_the_right_password_and_records_the_sign_in(world: World) -> None:
    user = _authenticate(world.db, "Editor@Kaohsiung.example.org", PASSWORD)
    assert user is not None and user.id == world.editor.user_id
    assert _user(world.db, "editor@kaohsiung.example.org").last_login_at is not None


def test_authenticate_refuses_a_wrong_password(world: World) -> None:
    assert _authenticate(world.db, "editor@kaohsiung.example.org", PASSWORD + "!") is None
    assert _user(world.db, "editor@kaohsiung.example.org").last_login_at is None


def test_authenticate_refuses_an_unknown_email(world: World) -> None:
    assert _authenticate(world.db, "nobody@example.org", PASSWORD) is None


def test_a_disabled_user_cannot_sign_in_and_their_session_and_tokens_stop_working(world: World) -> None:
    token = _sign_in(world.db, "editor@kaohsiung.example.org")
    with world.db.write() as session:
        _, plain = accounts.create_api_token(session, world.editor, "nightly upload")
        session.execute(update(User).where(User.id == world.editor.user_id).values(active=False))
    assert _authenticate(world.db, "editor@kaohsiung.example.org", PASSWORD) is None
    assert _session_actor(world.db, token) is None
    with world.db.read() as session:
        assert accounts.actor_from_api_token(session, plain) is None


def test_a_password_stored_with_weaker_parameters_is_rehashed_on_sign_in(world: World) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with world.db.write() as session:
        session.execute(update(User).where(User.id == world.viewer.user_id).values(password_hash=weak))
    assert _authenticate(world.db, "viewer@kaohsiung.example.org", PASSWORD) is not None
    rehashed = _user(world.db, "viewer@kaohsiung.example.org").password_hash
    assert rehashed != weak and rehashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


# -- roles ----------------------------------------------------------------------------------------------------------
def test_a_signed_in_actor_carries_the_roles_of_the_user(world: World) -> None:
    token = _sign_in(world.db, "editor@kaohsiung.example.org")
    actor = _session_actor(world.db, token)
    assert actor is not None
    assert actor.user_id == world.editor.user_id
    assert dict(actor.roles) == {world.city_id: EDITOR}
    assert actor.can_edit(world.city_id) and not actor.can_edit(world.other_city_id)
    assert not actor.is_admin


def test_granting_a_role_changes_what_the_actor_may_do(world: World) -> None:
    with world.db.write() as session:
        accounts.grant_role(
            session, world.admin, user_id=world.viewer.user_id or 0, city_id=world.other_city_id, role=EDITOR
        )
        accounts.grant_role(session, world.admin, user_id=world.viewer.user_id or 0, city_id=world.city_id, role=VIEWER)
        user = session.get(User, world.viewer.user_id)
        assert user is not None
        actor = accounts.actor_for(session, user)
    assert dict(actor.roles) == {world.city_id: VIEWER, world.other_city_id: EDITOR}


def test_only_an_administrator_grants_roles_and_only_known_roles(world: World) -> None:
    user_id = world.viewer.user_id or 0
    with pytest.raises(Forbidden), world.db.write() as session:
        accounts.grant_role(session, world.editor, user_id=user_id, city_id=world.city_id, role=EDITOR)
    with pytest.raises(InvalidRequest), world.db.write() as session:
        accounts.grant_role(session, world.admin, user_id=user_id, city_id=world.city_id, role="owner")
    with pytest.raises(NotFound), world.db.write() as session:
        accounts.grant_role(session, world.admin, user_id=user_id, city_id=999_999, role=EDITOR)


# -- sessions -------------------------------------------------------------------------------------------------------
def test_a_session_token_is_stored_only_as_its_sha256(world: World) -> None:
    token = _sign_in(world.db, "editor@kaohsiung.example.org")
    with world.db.read() as session:
        stored = session.scalars(select(WebSession.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored


def test_a_revoked_session_no_longer_identifies_the_user(world: World) -> None:
    token = _sign_in(world.db, "editor@kaohsiung.example.org")
    other = _sign_in(world.db, "editor@kaohsiung.example.org")
    assert _session_actor(world.db, token) is not None
    with world.db.write() as session:
        accounts.end_session(session, token)
    assert _session_actor(world.db, token) is None
    assert _session_actor(world.db, other) is not None  # signing out here does not sign out elsewhere


def test_signing_out_everywhere_ends_every_session_of_the_user(world: World) -> None:
    tokens = [_sign_in(world.db, "editor@kaohsiung.example.org") for _ in range(2)]
    viewer = _sign_in(world.db, "viewer@kaohsiung.example.org")
    with world.db.write() as session:
        accounts.end_all_sessions(session, world.editor.user_id or 0)
    assert [_session_actor(world.db, t) for t in tokens] == [None, None]
    assert _session_actor(world.db, viewer) is not None


def test_an_expired_session_no_longer_identifies_the_user(world: World) -> None:
    token = _sign_in(world.db, "editor@kaohsiung.example.org")
    assert _session_actor(world.db, token) is not None
    with world.db.write() as session:
        session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert _session_actor(world.db, token) is None


def test_unknown_and_oversized_session_tokens_identify_nobody(world: World) -> None:
    for token in ("", "not-a-session", "x" * 10_000):
        assert _session_actor(world.db, token) is None


# -- API tokens -----------------------------------------------------------------------------------------------------
def test_an_api_token_identifies_its_user_and_is_stored_only_hashed(world: World) -> None:
    with world.db.write() as session:
        token, plain = accounts.create_api_token(session, world.editor, " nightly upload ")
    assert plain.startswith("zc_") and len(plain) > 40
    with world.db.read() as session:
        stored = session.get(ApiToken, token.id)
        assert stored is not None
        actor = accounts.actor_from_api_token(session, plain)
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (stored.token_hash, stored.prefix, stored.name)
    assert stored.prefix == plain[:10] and stored.name == "nightly upload"
    assert actor is not None and actor.user_id == world.editor.user_id
    assert dict(actor.roles) == {world.city_id: EDITOR}


def test_a_revoked_api_token_is_refused(world: World) -> None:
    with world.db.write() as session:
        token, plain = accounts.create_api_token(session, world.editor, "script")
    with world.db.write() as session:
        accounts.revoke_api_token(session, world.editor, token.id)
    with world.db.read() as session:
        assert accounts.actor_from_api_token(session, plain) is None
        assert [t.revoked_at is not None for t in accounts.list_api_tokens(session, world.editor)] == [True]


def test_a_user_cannot_revoke_someone_elses_token_but_an_administrator_can(world: World) -> None:
    with world.db.write() as session:
        token, plain = accounts.create_api_token(session, world.editor, "script")
    with pytest.raises(NotFound), world.db.write() as session:
        accounts.revoke_api_token(session, world.other_editor, token.id)
    with world.db.read() as session:
        assert accounts.actor_from_api_token(session, plain) is not None
    with world.db.write() as session:
        accounts.revoke_api_token(session, world.admin, token.id)
    with world.db.read() as session:
        assert accounts.actor_from_api_token(session, plain) is None


def test_tokens_that_are_not_ours_identify_nobody(world: World) -> None:
    with world.db.read() as session:
        for plain in ("", "zc_guess", "ghp_" + "a" * 40, "zc_" + "a" * 200):
            assert accounts.actor_from_api_token(session, plain) is None


def test_the_public_cannot_create_api_tokens(world: World) -> None:
    with pytest.raises(NotAuthenticated), world.db.write() as session:
        accounts.create_api_token(session, world.public, "script")


# -- sign-in rate limit ---------------------------------------------------------------------------------------------
def test_the_login_limiter_refuses_the_sixth_attempt_in_a_minute() -> None:
    limiter = accounts.LoginLimiter("5/minute")
    for _ in range(5):
        limiter.hit("192.0.2.1", "editor@kaohsiung.example.org")
    with pytest.raises(RateLimited):
        limiter.hit("192.0.2.1", "Editor@Kaohsiung.example.org ")  # the same account, however it is typed


def test_the_login_limiter_counts_each_account_and_address_on_its_own_and_resets_after_success() -> None:
    limiter = accounts.LoginLimiter("5/minute")
    for _ in range(5):
        limiter.hit("192.0.2.1", "editor@kaohsiung.example.org")
    limiter.hit("192.0.2.1", "viewer@kaohsiung.example.org")
    limiter.hit("192.0.2.2", "editor@kaohsiung.example.org")
    limiter.reset("192.0.2.1", "editor@kaohsiung.example.org")
    limiter.hit("192.0.2.1", "editor@kaohsiung.example.org")


def test_the_login_limiter_refuses_an_address_that_tries_many_accounts() -> None:
    limiter = accounts.LoginLimiter("5/minute")
    for i in range(20):
        limiter.hit("192.0.2.9", f"user{i}@example.org")
    with pytest.raises(RateLimited):
        limiter.hit("192.0.2.9", "one-more@example.org")


class _Clock:
    """Stands in for the ``time`` module inside the limiter's memory storage, so a test can move time forward."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    import limits.storage.memory

    fake = _Clock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    return fake


def test_the_login_limiter_lets_an_account_try_again_once_the_minute_has_passed(clock: _Clock) -> None:
    limiter = accounts.LoginLimiter("5/minute")
    for _ in range(5):
        limiter.hit("192.0.2.1", "editor@kaohsiung.example.org")
    with pytest.raises(RateLimited):
        limiter.hit("192.0.2.1", "editor@kaohsiung.example.org")
    clock.now += 61
    limiter.hit("192.0.2.1", "editor@kaohsiung.example.org")


def test_the_per_address_limit_counts_over_the_same_window_as_the_per_account_limit(clock: _Clock) -> None:
    limiter = accounts.LoginLimiter("2/hour")  # so at most 8 attempts an hour from one address
    for i in range(8):
        limiter.hit("192.0.2.9", f"user{i}@example.org")
    clock.now += 120  # two minutes later: still the same hour
    with pytest.raises(RateLimited):
        limiter.hit("192.0.2.9", "one-more@example.org")
