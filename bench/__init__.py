"""Benchmarks, run as scripts from the project root (e.g. ``python bench/catalogue.py``)."""
