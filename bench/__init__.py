"""Benchmarks: `python -m bench [NAME …]` runs them, prints their figures and records them."""
