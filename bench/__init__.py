"""Benchmarks: ``python -m bench.generation``."""
