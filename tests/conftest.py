"""Test-wide set-up: unit tests draw off-screen; notebook results are shared in a session.

The complete notebooks that nbval executes record their named results
(`runtime.report_results`) as JSON in one directory for the whole session; the
live-notebook tests, ordered after the notebooks, compare against those results
instead of running every complete notebook a second time.
"""

import os
import pathlib
import shutil
import tempfile

import matplotlib
import pytest

from helpers.runtime import RESULTS_DIR_VARIABLE  # read by helpers.runtime.report_results

# FAST=1 (the notebooks' quick mode) is set by the repository's conftest.py, which every run loads.

# The unit tests' own plots (this process only; the kernels keep their inline backend).
matplotlib.use("Agg")

_session_results = {}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "after_notebooks: runs after the notebook (nbval) items, whose recorded results it reuses")
    # A fresh directory per session, so no result of an earlier run is ever taken for this one's.
    directory = pathlib.Path(tempfile.mkdtemp(prefix="course-results-"))
    _session_results["dir"] = directory
    _session_results["previous"] = os.environ.get(RESULTS_DIR_VARIABLE)
    os.environ[RESULTS_DIR_VARIABLE] = str(directory)


def pytest_unconfigure(config):
    directory = _session_results.pop("dir", None)
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
        previous = _session_results.pop("previous", None)
        if previous is None:
            os.environ.pop(RESULTS_DIR_VARIABLE, None)
        else:
            os.environ[RESULTS_DIR_VARIABLE] = previous


def pytest_collection_modifyitems(config, items):
    """Tests marked after_notebooks run last, after the notebooks nbval executes."""
    last = [item for item in items if item.get_closest_marker("after_notebooks")]
    if last:
        ids = {id(item) for item in last}
        items[:] = [item for item in items if id(item) not in ids] + last


@pytest.fixture(scope="session")
def notebook_results_dir():
    """Where this session's complete-notebook runs (nbval) record their named results."""
    return _session_results["dir"]


@pytest.fixture(autouse=True)
def close_figures():
    """Close whatever figures a test drew, so they do not pile up over the suite."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
