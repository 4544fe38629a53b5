"""Knowledge hub tables: best-practice cases (one row per case, one per language version), their results, links
and images, and the centre's news and events."""

from __future__ import annotations
