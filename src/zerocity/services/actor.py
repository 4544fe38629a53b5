"""Who is acting, and what they may do. Every write in the services calls one of the ``require_*`` checks, so the
rules hold for the web pages, the REST API and the CLI alike (never only in a page).

Roles (issue 3): centre administrator (everything), city editor (changes only their own city), city viewer (reads
their city's drafts), public (reads what a city has published).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from zerocity.services.errors import Forbidden, NotAuthenticated

EDITOR = "editor"
VIEWER = "viewer"
ROLES = (EDITOR, VIEWER)


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    display_name: str = ""
    email: str = ""
    is_admin: bool = False
    roles: Mapping[int, str] = field(default_factory=dict)  # city_id -> role
    locale: str = "zh_Hant"

    @classmethod
    def public(cls) -> Actor:
        return cls()

    @classmethod
    def system(cls) -> Actor:
        """The demo loader and command-line maintenance: an administrator without an account."""
        return cls(display_name="system", is_admin=True)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.is_admin

    def can_edit(self, city_id: int) -> bool:
        return self.is_admin or self.roles.get(city_id) == EDITOR

    def can_read_drafts(self, city_id: int) -> bool:
        return self.is_admin or city_id in self.roles

    def require_authenticated(self) -> None:
        if not self.is_authenticated:
            raise NotAuthenticated("sign in first")

    def require_edit(self, city_id: int) -> None:
        self.require_authenticated()
        if not self.can_edit(city_id):
            raise Forbidden("you may not change this city's data", city_id=city_id)

    def require_admin(self) -> None:
        self.require_authenticated()
        if not self.is_admin:
            raise Forbidden("only a centre administrator may do this")
