"""Test configuration shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# "ci" (default) keeps property tests thorough but bounded; "dev" is quicker for local runs;
# "deep" is for hunting bugs: HYPOTHESIS_PROFILE=deep pytest tests/axdr
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "deep", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
