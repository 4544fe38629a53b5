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


# -- administration of accounts -------------------------------------------------------------------------------------
def _account_audit(db: Database, user_id: int | None) -> list[tuple[str, str, str, str | None, str | None]]:
    with db.read() as session:
        entries, _ = audit.entries(session, limit=1000)
    return [
        (e.entity, e.action, e.field, e.old_value, e.new_value)
        for e in reversed(entries)
        if e.entity in ("user", "membership") and e.entity_id.split(":")[0] == str(user_id)
    ]


def test_a_generated_password_is_long_unambiguous_and_new_each_time() -> None:
    passwords = {accounts.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        groups = password.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert len(password) >= accounts.MIN_PASSWORD_LENGTH
        assert not set("".join(groups)) & set("01ilo")  # nothing to misread over the telephone


def test_the_account_list_shows_every_account_with_its_roles_to_administrators_only(world: World) -> None:
    with world.db.read() as session:
        listed = {s.user.email: [(city.slug, role) for city, role in s.memberships]
                  for s in accounts.list_accounts(session, world.admin)}  # fmt: skip
    assert listed["editor@kaohsiung.example.org"] == [("kaohsiung", EDITOR)]
    assert listed["admin@example.org"] == []
    for actor, error in ((world.editor, Forbidden), (world.public, NotAuthenticated)):
        with pytest.raises(error), world.db.read() as session:
            accounts.list_accounts(session, actor)


def test_revoking_a_role_takes_it_away_at_once_and_is_audited(world: World) -> None:
    token = _sign_in(world.db, "editor@kaohsiung.example.org")
    with world.db.write() as session:
        accounts.revoke_role(session, world.admin, user_id=world.editor.user_id, city_id=world.city_id)  # type: ignore[arg-type]
    actor = _session_actor(world.db, token)
    assert actor is not None and not actor.can_edit(world.city_id) and actor.roles == {}
    assert ("membership", "revoke", "", EDITOR, None) in _account_audit(world.db, world.editor.user_id)


def test_revoking_a_role_the_account_does_not_have_is_not_found(world: World) -> None:
    with pytest.raises(NotFound), world.db.write() as session:
        accounts.revoke_role(session, world.admin, user_id=world.editor.user_id, city_id=world.other_city_id)  # type: ignore[arg-type]


def test_only_an_administrator_revokes_roles_or_changes_rights(world: World) -> None:
    user_id = world.viewer.user_id
    assert user_id is not None
    for actor, error in ((world.editor, Forbidden), (world.public, NotAuthenticated)):
        with pytest.raises(error), world.db.write() as session:
            accounts.revoke_role(session, actor, user_id=user_id, city_id=world.city_id)
        with pytest.raises(error), world.db.write() as session:
            accounts.set_admin(session, actor, user_id=user_id, is_admin=True)
        with pytest.raises(error), world.db.write() as session:
            accounts.set_active(session, actor, user_id=user_id, active=False)
        with pytest.raises(error), world.db.write() as session:
            accounts.reset_password(session, actor, user_id=user_id, password="a long passphrase")
    viewer = _user(world.db, "viewer@kaohsiung.example.org")
    assert (viewer.is_admin, viewer.active) == (False, True)
    assert _account_audit(world.db, user_id) == []


def test_an_administrator_gives_and_removes_administrator_rights_with_an_audit_entry(world: World) -> None:
    user_id = world.viewer.user_id
    assert user_id is not None
    with world.db.write() as session:
        accounts.set_admin(session, world.admin, user_id=user_id, is_admin=True)
    assert _user(world.db, "viewer@kaohsiung.example.org").is_admin
    with world.db.write() as session:
        accounts.set_admin(session, world.admin, user_id=user_id, is_admin=False)
    assert not _user(world.db, "viewer@kaohsiung.example.org").is_admin
    assert _account_audit(world.db, user_id) == [
        ("user", "update", "is_admin", "false", "true"),
        ("user", "update", "is_admin", "true", "false"),
    ]


def test_an_administrator_cannot_remove_their_own_rights_or_disable_themselves(world: World) -> None:
    own = world.admin.user_id
    assert own is not None
    with pytest.raises(Forbidden, match="your own administrator rights"), world.db.write() as session:
        accounts.set_admin(session, world.admin, user_id=own, is_admin=False)
    with pytest.raises(Forbidden, match="disable your own account"), world.db.write() as session:
        accounts.set_active(session, world.admin, user_id=own, active=False)
    admin = _user(world.db, "admin@example.org")
    assert (admin.is_admin, admin.active) == (True, True)
    assert _account_audit(world.db, own) == []


def test_disabling_an_account_ends_its_sessions_and_enabling_it_restores_its_roles(world: World) -> None:
    user_id = world.editor.user_id
    assert user_id is not None
    token = _sign_in(world.db, "editor@kaohsiung.example.org")
    with world.db.write() as session:
        accounts.set_active(session, world.admin, user_id=user_id, active=False)
    assert _session_actor(world.db, token) is None
    assert _authenticate(world.db, "editor@kaohsiung.example.org", PASSWORD) is None
    with world.db.read() as session:
        revoked = session.scalars(select(WebSession.revoked_at).where(WebSession.user_id == user_id)).all()
    assert revoked and all(when is not None for when in revoked)  # ended, not merely hidden while disabled
    with world.db.write() as session:
        accounts.set_active(session, world.admin, user_id=user_id, active=True)
    assert _session_actor(world.db, token) is None  # an old session stays ended
    actor = _session_actor(world.db, _sign_in(world.db, "editor@kaohsiung.example.org"))
    assert actor is not None and actor.can_edit(world.city_id)
    assert [entry[2:] for entry in _account_audit(world.db, user_id)] == [
        ("active", "true", "false"),
        ("active", "false", "true"),
    ]


def test_a_password_reset_ends_every_session_and_only_the_new_password_works(world: World) -> None:
    user_id = world.editor.user_id
    assert user_id is not None
    tokens = [_sign_in(world.db, "editor@kaohsiung.example.org") for _ in range(2)]
    new_password = accounts.generate_password()
    with world.db.write() as session:
        accounts.reset_password(session, world.admin, user_id=user_id, password=new_password)
    assert all(_session_actor(world.db, token) is None for token in tokens)
    assert _authenticate(world.db, "editor@kaohsiung.example.org", PASSWORD) is None
    assert _authenticate(world.db, "editor@kaohsiung.example.org", new_password) is not None
    entries = _account_audit(world.db, user_id)
    assert entries == [("user", "reset_password", "", None, None)]
    assert new_password not in repr(entries)


def test_a_reset_to_a_short_password_is_refused_and_changes_nothing(world: World) -> None:
    token = _sign_in(world.db, "editor@kaohsiung.example.org")
    with pytest.raises(InvalidRequest), world.db.write() as session:
        accounts.reset_password(session, world.admin, user_id=world.editor.user_id, password="short")  # type: ignore[arg-type]
    assert _session_actor(world.db, token) is not None
    assert _authenticate(world.db, "editor@kaohsiung.example.org", PASSWORD) is not None


def test_changing_an_unknown_account_is_not_found(world: World) -> None:
    with pytest.raises(NotFound), world.db.write() as session:
        accounts.set_active(session, world.admin, user_id=999_999, active=False)
    with pytest.raises(NotFound), world.db.read() as session:
        accounts.get_account(session, world.admin, 999_999)


@pytest.mark.parametrize(
    "fields",
    [{"email": "no-at-sign"}, {"email": "two@@example.org"}, {"email": "a@b.org", "display_name": "x" * 201},
     {"email": "a@b.org", "display_name": "bell\x07"}, {"email": "a@b.org", "is_admin": "yes"}],
)  # fmt: skip
def test_a_new_account_from_the_form_is_checked_strictly(fields: dict[str, object]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        accounts.NewAccount(**fields)  # type: ignore[arg-type]


# -- a user's own password ------------------------------------------------------------------------------------------
EDITOR_EMAIL = "editor@kaohsiung.example.org"
NEW_PASSWORD = "tide lantern orchard 42"


def test_changing_ones_own_password_ends_every_session_and_only_the_new_password_works(world: World) -> None:
    tokens = [_sign_in(world.db, EDITOR_EMAIL) for _ in range(2)]
    other = _sign_in(world.db, "viewer@kaohsiung.example.org")

    with world.db.write() as session:
        accounts.change_password(session, world.editor, current=PASSWORD, new=NEW_PASSWORD)

    assert all(_session_actor(world.db, token) is None for token in tokens)
    assert _session_actor(world.db, other) is not None  # someone else's session is not touched
    assert _authenticate(world.db, EDITOR_EMAIL, PASSWORD) is None
    assert _authenticate(world.db, EDITOR_EMAIL, NEW_PASSWORD) is not None
    assert _user(world.db, EDITOR_EMAIL).password_hash.startswith("$argon2id$")


def test_changing_ones_own_password_is_audited_without_either_password(world: World) -> None:
    with world.db.write() as session:
        accounts.change_password(session, world.editor, current=PASSWORD, new=NEW_PASSWORD)

    entries = _account_audit(world.db, world.editor.user_id)
    assert entries == [("user", "change_password", "", None, None)]
    with world.db.read() as session:
        everything = repr([vars(entry) for entry in audit.entries(session, limit=1000)[0]])
    assert NEW_PASSWORD not in everything
    assert PASSWORD not in everything


def test_a_wrong_current_password_is_refused_and_changes_nothing(world: World) -> None:
    token = _sign_in(world.db, EDITOR_EMAIL)

    with pytest.raises(InvalidRequest) as refused, world.db.write() as session:
        accounts.change_password(session, world.editor, current="not my password", new=NEW_PASSWORD)

    assert refused.value.params["field"] == "current_password"
    assert _session_actor(world.db, token) is not None
    assert _authenticate(world.db, EDITOR_EMAIL, PASSWORD) is not None
    assert _authenticate(world.db, EDITOR_EMAIL, NEW_PASSWORD) is None
    assert _account_audit(world.db, world.editor.user_id) == []


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("short one", "too_short"),  # 9 characters
        ("x" * (accounts.MAX_PASSWORD_LENGTH + 1), "too_long"),
        (PASSWORD, "unchanged"),
        (" Editor@Kaohsiung.example.org", "email"),
    ],
)
def test_a_new_password_that_is_too_short_too_long_unchanged_or_the_email_is_refused(
    world: World, new: str, reason: str
) -> None:
    token = _sign_in(world.db, EDITOR_EMAIL)

    with pytest.raises(InvalidRequest) as refused, world.db.write() as session:
        accounts.change_password(session, world.editor, current=PASSWORD, new=new)

    assert (refused.value.params["field"], refused.value.params["reason"]) == ("new_password", reason)
    assert _session_actor(world.db, token) is not None
    assert _authenticate(world.db, EDITOR_EMAIL, PASSWORD) is not None


def test_the_longest_allowed_new_password_is_accepted() -> None:
    accounts.check_new_password(EDITOR_EMAIL, current=PASSWORD, new="x" * accounts.MAX_PASSWORD_LENGTH)
    accounts.check_new_password(EDITOR_EMAIL, current=PASSWORD, new="x" * accounts.MIN_PASSWORD_LENGTH)


def test_only_a_person_with_an_account_changes_a_password(world: World) -> None:
    with pytest.raises(NotAuthenticated), world.db.write() as session:
        accounts.change_password(session, world.public, current=PASSWORD, new=NEW_PASSWORD)
    with pytest.raises(Forbidden), world.db.write() as session:
        accounts.change_password(session, Actor.system(), current=PASSWORD, new=NEW_PASSWORD)


def test_a_disabled_account_cannot_change_its_password(world: World) -> None:
    with world.db.write() as session:
        accounts.set_active(session, world.admin, user_id=world.editor.user_id, active=False)  # type: ignore[arg-type]

    with pytest.raises(NotAuthenticated), world.db.write() as session:
        accounts.change_password(session, world.editor, current=PASSWORD, new=NEW_PASSWORD)

    with world.db.write() as session:
        accounts.set_active(session, world.admin, user_id=world.editor.user_id, active=True)  # type: ignore[arg-type]
    assert _authenticate(world.db, EDITOR_EMAIL, PASSWORD) is not None
