"""The project's hypothesis profile, loaded by tests/conftest.py before any test.

Nothing in a test may depend on how fast the machine is: no per-example deadline, and no health check that fails
when generating inputs is slow (under a loaded CPU it is: the loaded runs of issue 16 found
`test_validate_accepts_its_own_output_unchanged` failing `too_slow` after 4.8 s for one draw).
A test that sets its own `suppress_health_check` list replaces the profile's, so it adds TIME_INDEPENDENT.
"""

from hypothesis import HealthCheck, settings

TIME_INDEPENDENT = [HealthCheck.too_slow]

settings.register_profile("politieloket", deadline=None, suppress_health_check=TIME_INDEPENDENT, print_blob=True)
settings.load_profile("politieloket")
