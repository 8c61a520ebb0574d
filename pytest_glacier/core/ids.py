"""Seeded identifiers: the same seed and test node id always give the same ids."""

from __future__ import annotations

import base64
import hashlib
import random
import threading

#: ids are URL-safe base64 of seeded random bytes (6 uniform bits a character)
ARCHIVE_ID_LENGTH = 138
JOB_ID_LENGTH = 92
UPLOAD_ID_LENGTH = 92
SHORT_ID_LENGTH = 24  # lock ids and capacity ids
REQUEST_ID_LENGTH = 47


class IdFactory:
    """URL-safe ids from a PRNG keyed by ``seed`` and the test's node id (never global state)."""

    def __init__(self, seed: int | str, scope: str = "") -> None:
        key = hashlib.sha256(f"{seed}\x00{scope}".encode()).digest()
        self._rng = random.Random(key)
        self._lock = threading.Lock()

    def make(self, length: int) -> str:
        with self._lock:
            raw = self._rng.randbytes((length * 3 + 3) // 4)
        # one C call instead of a Python-level choice per character (every request has an id)
        return base64.urlsafe_b64encode(raw)[:length].decode("ascii")

    def archive_id(self) -> str:
        return self.make(ARCHIVE_ID_LENGTH)

    def job_id(self) -> str:
        return self.make(JOB_ID_LENGTH)

    def upload_id(self) -> str:
        return self.make(UPLOAD_ID_LENGTH)

    def short_id(self) -> str:
        return self.make(SHORT_ID_LENGTH)

    def request_id(self) -> str:
        return self.make(REQUEST_ID_LENGTH)

    def fraction(self) -> float:
        """A seeded number in [0, 1) for decisions that must repeat across runs."""
        with self._lock:
            return self._rng.random()
