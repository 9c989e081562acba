"""Colab and other hosted notebooks: the course's address, the first cell's set-up, MNIST.

The repository's address is set here, in `REPOSITORY` and `BRANCH`, and nowhere else:
`scripts/make_live_notebooks.py` writes it into each notebook's first code cell (the
`pip install` line that runs before `helpers` exists on a hosted runtime), into the
notebooks' "Open in Colab" badges and into the README's notebook table, and the tests
check that every copy agrees. To publish the course from a fork, change these two lines
and run `python scripts/make_live_notebooks.py`.

On a hosted runtime (Google Colab, Kaggle) the first cell of a notebook

1. installs this package from the repository (`pip install "dl-course-helpers @ git+..."`),
   which declares no dependencies, so the runtime's own TensorFlow and Keras stay as
   they are (re-pinning them is what breaks most course notebooks on Colab);
2. calls `setup(needs=...)`, which installs the course packages the runtime lacks (never
   TensorFlow or Keras), finds or fetches MNIST when the notebook needs it, says what it
   did, and then prints `helpers.environment.diagnose()`'s check of the environment.

On your own machine (`pip install -r requirements.txt`) step 1 is skipped, `setup`
installs and downloads nothing, and only the diagnosis is printed.

This module imports only the standard library at import time, so that it works before
anything else of the course is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import subprocess
import sys

# --------------------------------------------------------------- the one address
REPOSITORY = "https://github.com/dl-course/neural-networks-hands-on"
BRANCH = "main"
PACKAGE = "dl-course-helpers"  # pyproject.toml's [project] name

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"  # Keras' own copy
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

COLAB_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_URL_PATTERN = re.compile(r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[\w./-]+?\.ipynb")
BINDER_URL_PATTERN = re.compile(r"https://mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/[\w.-]+")
CODESPACES_URL_PATTERN = re.compile(r"https://codespaces\.new/[\w.-]+/[\w.-]+")

# What a hosted runtime may lack, as pip requirements (the same bounds as requirements.txt;
# tests/test_versions.py checks it), by the module a notebook imports. TensorFlow and Keras
# are deliberately not here: a hosted runtime's own are never replaced.
HOSTED_PACKAGES = {
    "numpy": "numpy>=2.0,<2.5",
    "matplotlib": "matplotlib>=3.10,<3.12",
    "sklearn": "scikit-learn>=1.6,<1.10",
    "tqdm": "tqdm>=4.66,<5",
    "psutil": "psutil>=5.9,<8",
}
ATARI_PACKAGES = {
    "gymnasium": "gymnasium>=1.2.3,<1.5",
    "ale_py": "ale-py>=0.11.2,<0.13",
    "cv2": "opencv-python-headless>=4.13,<5",
}
NEEDS = ("mnist", "atari")


def _repository_parts() -> tuple[str, str]:
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", REPOSITORY)
    if not match:
        raise ValueError(f"REPOSITORY must look like https://github.com/<owner>/<name>, got {REPOSITORY!r}")
    return match.group(1), match.group(2)


def install_requirement() -> str:
    """The pip requirement that installs this package from the repository (no dependencies)."""
    return f"{PACKAGE} @ git+{REPOSITORY}.git@{BRANCH}"


def colab_url(notebook_path: str) -> str:
    """The "Open in Colab" address of a notebook, given by its path in the repository."""
    if not isinstance(notebook_path, str) or not notebook_path.endswith(".ipynb") or notebook_path.startswith("/"):
        raise ValueError(f"notebook_path must be a repository-relative path ending in .ipynb, "
                         f"e.g. 'notebooks/01_nonlinear_classification.ipynb', got {notebook_path!r}")
    owner, name = _repository_parts()
    return f"https://colab.research.google.com/github/{owner}/{name}/blob/{BRANCH}/{notebook_path}"


def binder_url() -> str:
    """The repository on Binder (repo2docker installs binder/requirements.txt, i.e. requirements.txt)."""
    owner, name = _repository_parts()
    return f"https://mybinder.org/v2/gh/{owner}/{name}/{BRANCH}"


def codespaces_url() -> str:
    """A GitHub Codespace of the repository (.devcontainer/devcontainer.json installs requirements.txt)."""
    owner, name = _repository_parts()
    return f"https://codespaces.new/{owner}/{name}"


def refresh_links(text: str) -> str:
    """Markdown with every Colab, Binder and Codespaces address rewritten from REPOSITORY and
    BRANCH; a Colab link keeps the notebook it names (scripts/make_live_notebooks.py uses this
    for the README)."""
    def colab_link(match):
        return colab_url(re.search(r"/blob/[^/]+/(.+\.ipynb)$", match.group(0)).group(1))

    text = COLAB_URL_PATTERN.sub(colab_link, text)
    text = BINDER_URL_PATTERN.sub(lambda _: binder_url(), text)
    return CODESPACES_URL_PATTERN.sub(lambda _: codespaces_url(), text)


def colab_badge(notebook_path: str) -> str:
    """Markdown for the "Open in Colab" badge of a notebook."""
    return f"[![Open In Colab]({COLAB_BADGE_IMAGE})]({colab_url(notebook_path)})"


def setup_cell_source(needs: tuple[str, ...] = ()) -> str:
    """The source of a notebook's first code cell (written by scripts/make_live_notebooks.py)."""
    needs = _check_needs(needs)
    return "\n".join([
        "# Set-up. On Colab (or any Jupyter without the course) this installs the course's helpers package",
        "# from its repository; TensorFlow and Keras stay as the runtime has them. Then it checks the environment.",
        "import importlib.util, subprocess, sys",
        "",
        'if importlib.util.find_spec("helpers") is None:  # a hosted runtime: install the course\'s helpers',
        f'    requirement = "{install_requirement()}"',
        '    print("pip install", requirement)',
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", requirement], check=True)',
        "    importlib.invalidate_caches()",
        "from helpers import colab",
        "",
        f"colab.setup(needs={_tuple_source(needs)})",
    ])


def _tuple_source(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return f'("{names[0]}",)'
    return "(" + ", ".join(f'"{name}"' for name in names) + ")"


def needs_of_setup_cell(source: str) -> tuple[str, ...]:
    """The `needs` a set-up cell passes to `colab.setup` (what scripts/make_live_notebooks.py keeps)."""
    match = re.search(r"colab\.setup\(needs=\(([^)]*)\)\)", source)
    if not match:
        raise ValueError("the set-up cell must call colab.setup(needs=(...)) with a tuple of names")
    return _check_needs(tuple(re.findall(r"[\"']([a-z]+)[\"']", match.group(1))))


# --------------------------------------------------------------- where we run
def hosted_runtime() -> str | None:
    """"Colab", "Kaggle" or None (your own machine, a university JupyterHub with the course installed)."""
    if "google.colab" in sys.modules:
        return "Colab"
    try:
        if importlib.util.find_spec("google.colab") is not None:
            return "Colab"
    except (ImportError, ValueError):  # no `google` package at all
        pass
    if os.environ.get("KAGGLE_KERNEL_RUN_TYPE"):
        return "Kaggle"
    return None


def _check_needs(needs) -> tuple[str, ...]:
    if isinstance(needs, str) or not isinstance(needs, (tuple, list)):
        raise TypeError(f"needs must be a tuple of names from {NEEDS}, e.g. ('mnist',), got {needs!r}")
    unknown = [need for need in needs if need not in NEEDS]
    if unknown:
        raise ValueError(f"unknown needs {unknown}; expected names from {NEEDS}")
    return tuple(needs)


def _missing(packages: dict[str, str]) -> list[str]:
    return [requirement for module, requirement in packages.items() if importlib.util.find_spec(module) is None]


def _pip_install(requirements: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *requirements], check=True)
    importlib.invalidate_caches()


def fetch_mnist(hosted: bool) -> str:
    """Find MNIST where `helpers.data.load_mnist` looks; on a hosted runtime download it once
    (Keras' own download, into the Keras cache). Returns one line saying what happened."""
    from helpers import data

    for candidate in data.mnist_candidate_paths():
        if candidate.is_file():
            return f"MNIST found: {candidate}"
    if not hosted:
        return ("MNIST not found locally: the notebook downloads it on first use (needs the internet); "
                "for offline work copy mnist.npz to data/ (data/README.md)")
    data.load_mnist()  # the Keras download; the loader checks the file
    return f"MNIST downloaded to {data.mnist_candidate_paths()[-1]}"


def download_mnist(path, url: str = MNIST_URL, sha256: str = MNIST_SHA256) -> str:
    """Download mnist.npz to `path` unless a file is there already (helpers.data.load_mnist checks its
    contents), and check the download's SHA-256. Standard library only: CI runs it before anything is
    installed, `python -m helpers.colab download-mnist data/mnist.npz`."""
    import hashlib
    import pathlib
    import urllib.request

    target = pathlib.Path(path)

    def digest(file):
        return hashlib.sha256(file.read_bytes()).hexdigest()

    if target.is_file():
        return f"MNIST already at {target}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with urllib.request.urlopen(url, timeout=120) as response:
        partial.write_bytes(response.read())
    if digest(partial) != sha256:
        partial.unlink()
        raise ValueError(f"{url}: the download's SHA-256 differs from {sha256}; try again, or copy mnist.npz by hand")
    partial.replace(target)
    return f"MNIST downloaded to {target}"


def setup(needs: tuple[str, ...] = (), diagnose: bool = True) -> list[str]:
    """Prepare a notebook's environment and say what was done, in a few lines.

    `needs` names what the notebook uses beyond the common packages: "mnist" (notebooks
    2 and 3) or "atari" (notebook 4). On a hosted runtime it installs the course
    packages that are missing (never TensorFlow or Keras) and fetches MNIST if needed;
    elsewhere it changes nothing. Then it prints the environment check of
    `helpers.environment.diagnose` (unless `diagnose=False`). Returns the lines printed
    about what was done.
    """
    needs = _check_needs(needs)
    from helpers import runtime

    runtime.quiet_tensorflow()  # before anything imports TensorFlow: no C++ start-up noise
    runtime_name = hosted_runtime()
    done = []
    if runtime_name:
        done.append(f"{runtime_name} detected: course helpers from {REPOSITORY} ({BRANCH}); "
                    "TensorFlow and Keras are the runtime's own")
        wanted = dict(HOSTED_PACKAGES, **(ATARI_PACKAGES if "atari" in needs else {}))
        missing = _missing(wanted)
        if missing:
            _pip_install(missing)
            done.append("installed what the runtime lacked: " + ", ".join(missing))
    if "mnist" in needs and runtime_name:  # elsewhere the diagnosis says where MNIST is, or how to get it
        done.append(fetch_mnist(hosted=True))
    for line in done:
        print(line)
    if diagnose:
        from helpers import environment

        environment.diagnose(needs=needs)
    return done


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="The course on hosted runtimes and CI (standard library only).")
    commands = parser.add_subparsers(dest="command", required=True)
    download = commands.add_parser("download-mnist", help="download mnist.npz, checked by its SHA-256")
    download.add_argument("path", nargs="?", default="data/mnist.npz")
    commands.add_parser("colab-links", help="print each notebook's Open-in-Colab address")
    args = parser.parse_args(argv)
    if args.command == "download-mnist":
        print(download_mnist(args.path))
    else:
        import pathlib

        root = pathlib.Path(__file__).resolve().parent.parent
        for notebook in sorted((root / "notebooks").glob("*.ipynb")):
            print(colab_url(notebook.relative_to(root).as_posix()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
