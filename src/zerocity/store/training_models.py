"""Training programmes: sessions, registrations, attendance, materials, feedback and certificates."""

from __future__ import annotations
