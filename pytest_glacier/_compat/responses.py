"""Every responses internal the ``requests`` door relies on, in one place.

responses has no hook for "answer what no registered mock matches"; the door gets one by
wrapping a private method, and passes on what it does not answer with a constructor keyword
that older releases lack. Each name has its test in ``tests/test_compat.py``.

* ``RequestsMock._find_match(request)`` returns ``(match or None, reasons)``; it is wrapped
  at class level while the door is open, so every ``RequestsMock`` (ours and the user's)
  falls back to the door's callback for a Glacier URL none of its mocks match.
* ``RequestsMock(real_adapter_send=...)`` (responses 0.24 and later): the send a passthru
  request goes to. The door's own mock passes on to whatever ``HTTPAdapter.send`` is when it
  starts (the network, or a user's mock started before it), not to the send responses saw
  at import.
"""

from __future__ import annotations

import re
from typing import Any

import requests.adapters
import responses

#: the method wrapped while the door is open: (class, name)
FIND_MATCH = (responses.RequestsMock, "_find_match")


def passing_mock(passthru: re.Pattern[str]) -> Any:
    """A ``RequestsMock`` that sends requests matching ``passthru`` on to the current
    ``HTTPAdapter.send`` and never asserts that its (no) mocks were called."""
    mock_class: Any = responses.RequestsMock  # its stubs type a passthru prefix as str only
    return mock_class(
        assert_all_requests_are_fired=False,
        passthru_prefixes=(passthru,),
        real_adapter_send=requests.adapters.HTTPAdapter.send,
    )


__all__ = ["FIND_MATCH", "passing_mock"]
