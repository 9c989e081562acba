"""Test-wide set-up: notebooks run in their quick mode; unit tests draw off-screen."""

import os

import matplotlib
import pytest

# nbval starts each notebook's kernel from this process, so the kernels inherit these.
os.environ.setdefault("FAST", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The unit tests' own plots (this process only; the kernels keep their inline backend).
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    """Close whatever figures a test drew, so they do not pile up over the suite."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
