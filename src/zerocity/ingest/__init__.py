"""Adapters that read user files (CSV, XLSX) into the core's raw table. pandas and openpyxl live here only."""
