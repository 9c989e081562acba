"""Loaded by every pytest run in this repository, also one given only a notebook
(`pytest notebooks/02_autoencoders.ipynb`), which does not load tests/conftest.py:
notebooks run in their quick mode (FAST=1) unless FAST is set, and the header says which.
"""

import os

from helpers.runtime import env_flag

# nbval starts each notebook's kernel from this process, so the kernels inherit these.
os.environ.setdefault("FAST", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_report_header(config):
    if env_flag("FAST"):
        return "notebooks: quick mode (FAST=1)"
    return f"notebooks: FULL mode (FAST={os.environ['FAST']!r}), each takes minutes to hours"
