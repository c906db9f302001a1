"""The Hypothesis settings the fuzz tests share: derandomized (CI is reproducible) and short by default.

FUZZ_EXAMPLES=20000 pytest tests/test_fuzz_*.py                 # same seeds, many more examples
FUZZ_EXAMPLES=20000 FUZZ_RANDOM=1 pytest tests/test_fuzz_*.py   # fresh random seeds each run
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=timedelta(seconds=2),
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    database=None,
    print_blob=True,
    # the autouse env fixture is function-scoped but harmless to share between examples
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
