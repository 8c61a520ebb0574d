"""Make the example tool importable when pytest runs this folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
