"""Fuzzing every operation of botocore's glacier model: strategies, harness, tests."""
