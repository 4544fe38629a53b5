"""The pure accounting core: units, GPC catalogue, GWP sets, emission factors, calculation methods and the
inventory engine. It imports the standard library, numpy, pint and pydantic only (see tests/core/test_boundary.py);
web, database, CLI and translation code live in adapters around it.
"""
