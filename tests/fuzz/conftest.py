"""Hypothesis profiles for the fuzzing suite.

`ci` (the default, run by `make test`): few examples, derandomized, so that
every run, locally and in CI, tries the same inputs and a red build always
means a change in copydesk, never a lucky draw. `long` (`make fuzz`):
many more examples, a fresh random seed each run, and the example database
kept in .hypothesis/ so that a failure found once is retried first next time.
Pick one with COPYDESK_FUZZ_PROFILE=ci|long.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,  # a loaded 2-core machine makes single examples slow; not a bug
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=80, derandomize=True, database=None, **_COMMON)
settings.register_profile("long", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("COPYDESK_FUZZ_PROFILE", "ci"))
