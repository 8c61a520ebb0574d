"""Peak memory of this process from a baseline, sampled from /proc (Linux)."""

from __future__ import annotations

import threading
from typing import Any

FIELDS = ("VmRSS", "RssAnon", "RssFile")


def status() -> dict[str, int]:
    """Current VmRSS / RssAnon / RssFile in bytes (empty off Linux)."""
    values: dict[str, int] = {}
    try:
        with open("/proc/self/status") as file:
            for line in file:
                key, _, rest = line.partition(":")
                if key in FIELDS:
                    values[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return values


class PeakSampler:
    """Samples memory every few ms on a thread; ``peak`` holds the highest value per field.

    Anonymous memory (RssAnon) is what the double allocates; file-backed pages (RssFile) of
    the disk store's mapped archives are OS page cache the kernel may drop at any time.
    """

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.baseline = status()
        self.peak = dict(self.baseline)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for key, value in status().items():
            if value > self.peak.get(key, 0):
                self.peak[key] = value

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def growth(self) -> dict[str, int]:
        """Peak minus baseline, per field."""
        return {key: self.peak.get(key, 0) - self.baseline.get(key, 0) for key in FIELDS}
