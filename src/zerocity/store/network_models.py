"""Member network: the attributes peer benchmarking compares cities on (climate, economic structure)."""

from __future__ import annotations
