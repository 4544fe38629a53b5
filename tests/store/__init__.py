"""Tests of ``zerocity.store``: migrations, engines and transactions, on SQLite and PostgreSQL."""
