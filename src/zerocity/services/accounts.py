"""Accounts: argon2id passwords, server-side revocable sessions, API tokens and the sign-in rate limit."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zerocity.services import audit
from zerocity.services.actor import ROLES, Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotAuthenticated, NotFound, RateLimited
from zerocity.services.text import Text
from zerocity.store.models import ApiToken, City, Membership, User, WebSession, utcnow

# argon2id with the library's defaults (RFC 9106 "second recommended": m=64 MiB, t=3, p=4).
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "zc_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def actor_for(session: Session, user: User) -> Actor:
    query = select(Membership.city_id, Membership.role).where(Membership.user_id == user.id)
    roles = {city_id: role for city_id, role in session.execute(query)}
    return Actor(
        user_id=user.id,
        display_name=user.display_name,
        email=user.email,
        is_admin=user.is_admin,
        roles=roles,
        locale=user.locale,
    )


# -- users ---------------------------------------------------------------------------------------------------------
def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    display_name: str,
    password: str,
    is_admin: bool = False,
    locale: str = "zh_Hant",
) -> User:
    actor.require_admin()
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise InvalidRequest("not an e-mail address", field="email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"passwords need at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("an account with this e-mail exists", field="email")
    user = User(
        email=email,
        display_name=display_name.strip() or email,
        password_hash=hash_password(password),
        is_admin=is_admin,
        locale=locale,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, entity="user", entity_id=user.id, action="create", new={"email": email})
    return user


def grant_role(session: Session, actor: Actor, *, user_id: int, city_id: int, role: str) -> None:
    actor.require_admin()
    if role not in ROLES:
        raise InvalidRequest(f"role must be one of {', '.join(ROLES)}", field="role")
    if session.get(City, city_id) is None or session.get(User, user_id) is None:
        raise NotFound("no such user or city")
    membership = session.get(Membership, (user_id, city_id))
    old = membership.role if membership else None
    if membership:
        membership.role = role
    else:
        session.add(Membership(user_id=user_id, city_id=city_id, role=role))
    audit.record(
        session, actor, entity="membership", entity_id=f"{user_id}:{city_id}", action="grant", city_id=city_id,
        old=old, new=role,
    )  # fmt: skip


# -- administration of accounts (centre administrators) ---------------------------------------------------------
#: Lower-case letters and digits that cannot be mistaken for one another when read aloud or copied off a screen
#: (no 0/o, 1/l/i).
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_PASSWORD_GROUPS = 4
_PASSWORD_GROUP_LENGTH = 4


def generate_password() -> str:
    """A random password for a new account or a reset, shown once to the administrator who hands it over.

    16 characters drawn with ``secrets`` from 31 (about 79 bits), in groups of four (``k7qm-x3vd-9fhp-tw2c``) so it
    can be read out over the telephone; longer than :data:`MIN_PASSWORD_LENGTH` by construction.
    """
    return "-".join(
        "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(_PASSWORD_GROUP_LENGTH))
        for _ in range(_PASSWORD_GROUPS)
    )


class NewAccount(BaseModel):
    """An account as the administration form gives it; the password is chosen by :func:`generate_password`."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    display_name: Text = Field(default="", max_length=200)
    is_admin: bool = False


@dataclass(frozen=True)
class AccountSummary:
    """One account as the administration pages list it: the user and their roles by city (in slug order)."""

    user: User
    memberships: tuple[tuple[City, str], ...]


def _memberships(session: Session, user_ids: list[int]) -> dict[int, list[tuple[City, str]]]:
    query = (
        select(Membership.user_id, Membership.role, City)
        .join(City, City.id == Membership.city_id)
        .where(Membership.user_id.in_(user_ids))
        .order_by(City.slug)
    )
    found: dict[int, list[tuple[City, str]]] = {user_id: [] for user_id in user_ids}
    for user_id, role, city in session.execute(query):
        found[user_id].append((city, role))
    return found


def list_accounts(session: Session, actor: Actor) -> list[AccountSummary]:
    """Every account with its roles, by e-mail address (centre administrators only)."""
    actor.require_admin()
    users = list(session.scalars(select(User).order_by(User.email)))
    roles = _memberships(session, [user.id for user in users])
    return [AccountSummary(user, tuple(roles[user.id])) for user in users]


def get_account(session: Session, actor: Actor, user_id: int) -> AccountSummary:
    actor.require_admin()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account", user_id=user_id)
    return AccountSummary(user, tuple(_memberships(session, [user.id])[user.id]))


def _account_to_change(session: Session, actor: Actor, user_id: int) -> User:
    actor.require_admin()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account", user_id=user_id)
    return user


def revoke_role(session: Session, actor: Actor, *, user_id: int, city_id: int) -> None:
    """Take a user's role in one city away; their open sessions lose it with their next request."""
    actor.require_admin()
    membership = session.get(Membership, (user_id, city_id))
    if membership is None:
        raise NotFound("this account has no role in this city")
    old = membership.role
    session.delete(membership)
    audit.record(
        session, actor, entity="membership", entity_id=f"{user_id}:{city_id}", action="revoke", city_id=city_id,
        old=old,
    )  # fmt: skip


def set_admin(session: Session, actor: Actor, *, user_id: int, is_admin: bool) -> None:
    """Make an account a centre administrator or take that away. Nobody removes their own rights, so the centre
    always keeps at least the administrator who acts."""
    user = _account_to_change(session, actor, user_id)
    if not is_admin and user.id == actor.user_id:
        raise Forbidden("you cannot remove your own administrator rights; ask another administrator")
    if user.is_admin == is_admin:
        return
    audit.record(session, actor, entity="user", entity_id=user.id, action="update", field="is_admin",
                 old=user.is_admin, new=is_admin)  # fmt: skip
    user.is_admin = is_admin


def set_active(session: Session, actor: Actor, *, user_id: int, active: bool) -> None:
    """Disable an account (it can no longer sign in, its sessions end and its API tokens are refused) or enable it
    again with the roles it had. Nobody disables their own account."""
    user = _account_to_change(session, actor, user_id)
    if not active and user.id == actor.user_id:
        raise Forbidden("you cannot disable your own account")
    if user.active == active:
        return
    audit.record(session, actor, entity="user", entity_id=user.id, action="update", field="active",
                 old=user.active, new=active)  # fmt: skip
    user.active = active
    if not active:
        end_all_sessions(session, user.id)


def reset_password(session: Session, actor: Actor, *, user_id: int, password: str) -> None:
    """Give an account a new password (from :func:`generate_password`) and end all its sessions, so whoever knew
    the old one is signed out everywhere. The audit entry says that it happened, never the password."""
    user = _account_to_change(session, actor, user_id)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"passwords need at least {MIN_PASSWORD_LENGTH} characters", field="password")
    user.password_hash = hash_password(password)
    end_all_sessions(session, user.id)
    audit.record(session, actor, entity="user", entity_id=user.id, action="reset_password")


# -- a user's own password ------------------------------------------------------------------------------------------
#: argon2 would hash megabytes without complaint; nobody types or pastes a longer password than this.
MAX_PASSWORD_LENGTH = 1000


def check_new_password(email: str, *, current: str, new: str) -> None:
    """Refuse a new password that is too short, too long, the same as the current one or the account's e-mail.

    Needs no database and reveals nothing about the stored password (it compares with the password the user
    *typed* as the current one), so a page can run it before it counts an attempt against the sign-in limit.
    The error names the field ``new_password`` and gives a ``reason`` the page translates.
    """
    if len(new) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(
            f"passwords need at least {MIN_PASSWORD_LENGTH} characters", field="new_password", reason="too_short",
            minimum=MIN_PASSWORD_LENGTH,
        )  # fmt: skip
    if len(new) > MAX_PASSWORD_LENGTH:
        raise InvalidRequest(
            f"passwords have at most {MAX_PASSWORD_LENGTH} characters", field="new_password", reason="too_long",
            maximum=MAX_PASSWORD_LENGTH,
        )  # fmt: skip
    if new == current:
        raise InvalidRequest("the new password is the current one", field="new_password", reason="unchanged")
    if normalise_email(new) == normalise_email(email):
        raise InvalidRequest("the new password is the e-mail address", field="new_password", reason="email")


def change_password(session: Session, actor: Actor, *, current: str, new: str) -> None:
    """The signed-in user replaces their own password, proving it with the current one; every session of the
    account ends (a caller that keeps the user signed in starts a new one in the same transaction).

    Who may call this: a person signed in with a session. :class:`Actor` does not record whether it came from a
    session cookie or an API token, and adding that to the type every service shares is more than this needs:
    the web route refuses a request carrying a bearer token before it gets here (``web/routers/pages_account``).
    Even so, a token alone cannot change the password, because the current password is checked here.
    Wrong current passwords are not counted here: the page counts attempts with the sign-in limiter, which
    lives in the web process.
    """
    actor.require_authenticated()
    if actor.user_id is None:  # the system actor (CLI maintenance) has no account and no password
        raise Forbidden("only a person with an account can change its password")
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise NotAuthenticated("sign in first")
    check_new_password(user.email, current=current, new=new)
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise InvalidRequest("the current password is not right", field="current_password", reason="wrong") from None
    user.password_hash = hash_password(new)
    end_all_sessions(session, user.id)
    audit.record(session, actor, entity="user", entity_id=user.id, action="change_password")


# -- sign-in -----------------------------------------------------------------------------------------------------
class LoginLimiter:
    """A moving window per (address, account) and a looser one per address, in this process's memory.

    Several app nodes would each keep their own window; a shared storage (``limits`` supports Redis) would fix that.
    """

    def __init__(self, rate: str = "5/minute") -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_account = parse(rate)
        per = self._per_account
        self._per_address = parse(f"{per.amount * 4}/{per.multiples} {per.GRANULARITY.name}")

    def hit(self, address: str, email: str) -> None:
        ok_account = self._limiter.hit(self._per_account, "login", address, normalise_email(email))
        ok_address = self._limiter.hit(self._per_address, "login-address", address)
        if not (ok_account and ok_address):
            raise RateLimited("too many sign-in attempts; wait a minute and try again")

    def reset(self, address: str, email: str) -> None:
        self._limiter.clear(self._per_account, "login", address, normalise_email(email))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user whose password this is, or None. The same work is done for unknown e-mails (no timing oracle)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


_DUMMY_HASH = _hasher.hash("not a real password, only spends the same time")


# -- sessions -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewSession:
    token: str
    expires_at: datetime


def start_session(session: Session, user: User, hours: int) -> NewSession:
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(hours=hours)
    session.add(WebSession(token_hash=_digest(token), user_id=user.id, expires_at=expires))
    return NewSession(token, expires)


def actor_from_session(session: Session, token: str) -> Actor | None:
    """The signed-in actor, or None when the session is unknown, revoked, expired or its user disabled."""
    if not token or len(token) > 128:
        return None
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == _digest(token), WebSession.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    web_session, user = row
    if web_session.expires_at <= utcnow() or not user.active:
        return None
    return actor_for(session, user)


def end_session(session: Session, token: str) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == _digest(token), WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


# -- API tokens --------------------------------------------------------------------------------------------------
def create_api_token(session: Session, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """A new token for scripts; the plain token is returned once and never stored."""
    actor.require_authenticated()
    if actor.user_id is None:
        raise InvalidRequest("API tokens belong to a user account")
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidRequest("give the token a name (up to 200 characters)", field="name")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.user_id, name=name, token_hash=_digest(plain), prefix=plain[:10])
    session.add(token)
    session.flush()
    audit.record(session, actor, entity="api_token", entity_id=token.id, action="create", new=name)
    return token, plain


def revoke_api_token(session: Session, actor: Actor, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.user_id and not actor.is_admin):
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor, entity="api_token", entity_id=token.id, action="revoke")


def list_api_tokens(session: Session, actor: Actor) -> list[ApiToken]:
    actor.require_authenticated()
    query = select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id)
    return list(session.scalars(query))


def actor_from_api_token(session: Session, plain: str) -> Actor | None:
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 128:
        return None
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _digest(plain), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row[1].active:
        return None
    return actor_for(session, row[1])
