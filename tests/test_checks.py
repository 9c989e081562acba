"""helpers.checks: the shared argument checks."""

import numpy as np
import pytest

from helpers import checks


def test_check_int_accepts_ints_in_range():
    assert checks.check_int("n", np.int64(5)) == 5
    assert checks.check_int("n", 3, minimum=3, maximum=3) == 3


@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, "n must be at least 1, got 0"),
    (11, ValueError, "n must be at most 10"),
    (2.0, TypeError, "n must be an int"),
    (True, TypeError, "n must be an int"),
    ("4", TypeError, "n must be an int"),
])
def test_check_int_rejects(value, error, message):
    with pytest.raises(error, match=message):
        checks.check_int("n", value, maximum=10)


def test_make_rng():
    generator = np.random.default_rng(0)
    assert checks.make_rng(generator) is generator
    assert checks.make_rng(3).integers(1000) == np.random.default_rng(3).integers(1000)
    for bad in (-1, 1.5, "seed", True):
        with pytest.raises(TypeError, match="seed must be"):
            checks.make_rng(bad)
