"""Benchmarks of pytest_glacier against botocore's floor and moto: ``python -m bench``.

They report; nothing here asserts on time. See docs/performance.md for how to read them.
"""
