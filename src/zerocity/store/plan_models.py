"""Stored net-zero plans: a city's scenario files, versioned, and the summary of their last run."""

from __future__ import annotations
