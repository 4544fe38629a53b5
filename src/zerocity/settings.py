"""Deployment settings, from the environment (``ZEROCITY_`` prefix) with defaults for the embedded demo."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZEROCITY_", extra="ignore")

    data_dir: Path = Path("var")
    #: ``sqlite:///path`` (default: a file in ``data_dir``) or ``postgresql+psycopg://user@host/db`` at scale.
    database_url: str | None = None
    #: Uploads larger than this are refused before they are parsed (the issue's 50 MB case must fail cleanly).
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    session_hours: int = Field(default=12, gt=0)
    #: Sign-in attempts allowed per address and account (moving window, limits library syntax).
    login_rate: str = "5/minute"
    cookie_secure: bool = False
    page_size: int = Field(default=50, gt=0, le=1000)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'zerocity.sqlite3').resolve()}"
