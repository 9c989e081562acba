"""Test-wide set-up: notebooks run in their quick mode, headless."""

import os

# nbval starts each notebook's kernel from this process, so the kernel inherits these.
os.environ.setdefault("FAST", "1")
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
