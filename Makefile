.PHONY: run test bootstrap lint bench bench-planner bench-web bench-search lock messages clean

run: bootstrap
	.venv/bin/zerocity serve --demo

test:
	scripts/test

bootstrap:
	scripts/bootstrap

lint: bootstrap
	.venv/bin/ruff check src tests benchmarks && .venv/bin/ruff format --check src tests benchmarks && .venv/bin/mypy

bench: bootstrap
	.venv/bin/python benchmarks/bench_inventory.py --rows 1000000

# The web server under 50 clients (needs Debian's wrk for meaningful figures) and a 100,000-row web import.
bench-planner: bootstrap
	.venv/bin/python benchmarks/bench_planner.py

bench-web: bootstrap
	.venv/bin/python benchmarks/bench_web.py
	.venv/bin/python benchmarks/bench_import_web.py

# Knowledge-hub search: 50,000 bilingual cases on SQLite and PostgreSQL, keyword and hybrid (about 30 minutes).
bench-search: bootstrap
	.venv/bin/python benchmarks/bench_search.py

# Refresh both lock files after editing pyproject.toml (needs the package registry).
lock:
	.tools/bin/uv lock --python python3
	.tools/bin/uv export --frozen --format requirements-txt --all-groups --all-extras --no-emit-project > requirements.lock

# Re-extract translatable text into src/zerocity/locale/ and merge it into the zh_Hant and en catalogues.
messages: bootstrap
	scripts/messages

clean:
	rm -rf .venv .tools var
