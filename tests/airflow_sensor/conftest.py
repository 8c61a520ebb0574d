"""Airflow reads its home and configuration when first imported: keep it in a temporary
home. Nothing is imported here: the tests import Airflow for the first time inside a test
that uses the double, as a user's test module would."""

import os
import tempfile

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="pytest-glacier-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
