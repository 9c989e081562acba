"""Argument checks shared by the helpers: clear errors that say what was expected."""

from __future__ import annotations

import numpy as np


def check_int(name: str, value, minimum: int = 1, maximum: int | None = None) -> int:
    """`value` as an int within [minimum, maximum]; TypeError for non-ints (bools included)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r})")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return int(value)


def make_rng(seed) -> np.random.Generator:
    """A numpy Generator from a non-negative int seed, None (fresh entropy) or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be a non-negative int, None or numpy.random.Generator, got {seed!r}")


# --------------------------------------------------------------------------- checks after a live blank

CATCH_UP_HINT = ("type the code above or run its %load line (delete the '# ' before %load, run the cell: "
                 "it fills in the complete code; run it once more)")


class BlankCheck:
    """What `blank(name)` hands the check cell: small assertions whose messages name the blank."""

    def __init__(self, name: str):
        self.name = name

    def fail(self, message: str):
        raise AssertionError(f"blank `{self.name}`: {message}")

    def result(self, what: str, value):
        """`value`, which `what` (a call of what the blank defined) returned; a stub returns None."""
        if value is None or value is Ellipsis:
            self.fail(f"{what} returned None: the cell above still holds the stub; {CATCH_UP_HINT}")
        return value

    def shape(self, what: str, value, expected: tuple):
        actual = tuple(np.shape(value))
        if actual != tuple(expected):
            self.fail(f"{what} has shape {actual}, expected {tuple(expected)}")
        return value

    def equal(self, what: str, actual, expected):
        if actual != expected:
            self.fail(f"{what} is {actual!r}, expected {expected!r}")

    def close(self, what: str, actual, expected, atol: float = 1e-5):
        actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
        if actual.shape != expected.shape or not np.allclose(actual, expected, atol=atol, rtol=1e-5):
            self.fail(f"{what} is {np.array2string(actual, precision=4, threshold=12)}, "
                      f"expected {np.array2string(expected, precision=4, threshold=12)}")

    def true(self, condition, message: str):
        if not condition:
            self.fail(message)


class blank:  # noqa: N801  (used as `with checks.blank("name") as check:`)
    """Context manager for the check cell right after a live-coding blank.

        with checks.blank("two_layer_network") as check:
            check.shape("forward(points)", check.result("forward(points)", forward(points)), (5, 2))

    Any failure inside becomes an AssertionError that names the blank: a name the blank should
    define and does not (NameError) or a stub that returned None says to type the code or run the
    cell's %load line; any other exception says which call of the blank's code raised it."""

    def __init__(self, name: str):
        self.check = BlankCheck(name)

    def __enter__(self) -> BlankCheck:
        return self.check

    def __exit__(self, kind, error, traceback):
        if kind is None or kind is AssertionError and str(error).startswith(f"blank `{self.check.name}`"):
            return False
        if issubclass(kind, NameError):
            message = f"{error} (the cell above should define it): {CATCH_UP_HINT}"
        elif issubclass(kind, (TypeError, AttributeError)) and "NoneType" in str(error):
            message = f"{kind.__name__}: {error}. Something returned None, as a stub does: {CATCH_UP_HINT}"
        elif issubclass(kind, AssertionError):
            message = f"{error}"
        else:
            message = (f"calling what it defined raised {kind.__name__}: {error} (if the cell above "
                       f"still holds the stub: {CATCH_UP_HINT})")
        raise AssertionError(f"blank `{self.check.name}`: {message}") from error
