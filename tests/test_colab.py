"""Colab and hosted notebooks: one address, links that name their own notebook, a first cell that
installs only helpers, and the set-up's behaviour on a (simulated) hosted runtime."""

import json
import pathlib
import re
import subprocess
import sys
import types

import pytest

from helpers import colab, data

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LIVE = sorted((ROOT / "notebooks" / "live").glob("*.ipynb"))
# Notebooks that must have the set-up cell and badge (notebook 4 gets them from its own edit).
WITH_SETUP = {"01_nonlinear_classification": (), "02_autoencoders": ("mnist",), "03_mnist_convnets": ("mnist",),
              "04_atari_dqn": ("atari",)}
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/\S+?\.ipynb")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def test_address_is_set_in_one_place():
    owner, name = colab._repository_parts()
    address = f"{owner}/{name}"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    holders = set()
    for path in tracked:
        file = ROOT / path
        if file.suffix in {".py", ".md", ".ipynb", ".yml", ".yaml", ".json", ".toml", ".txt", ".cfg"} and file.is_file():
            if address in file.read_text(encoding="utf-8", errors="replace"):
                holders.add(path)
    # helpers/colab.py sets it; the notebooks and the README hold generated copies, checked below
    allowed = {"helpers/colab.py", "README.md"} | {str(path.relative_to(ROOT)) for path in NOTEBOOKS + LIVE}
    assert holders <= allowed, f"the repository address is typed outside helpers/colab.py: {holders - allowed}"


@pytest.mark.parametrize("path", NOTEBOOKS + LIVE, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_colab_link_names_its_own_notebook(path):
    relative = path.relative_to(ROOT).as_posix()
    links = [link for cell in cells(path) if cell["cell_type"] == "markdown" for link in COLAB_LINK.findall(source(cell))]
    if path.stem in WITH_SETUP:
        assert links, f"{relative} has no 'Open in Colab' badge"
    for link in links:
        assert link == colab.colab_url(relative), f"{relative} links to {link}"


@pytest.mark.parametrize("stem", WITH_SETUP)
def test_badge_sits_under_the_title(stem):
    header = source(cells(ROOT / "notebooks" / f"{stem}.ipynb")[0]).splitlines()
    assert header[0].startswith("# ")
    assert colab.colab_badge(f"notebooks/{stem}.ipynb") in header[1:4]


def test_readme_table_links_each_notebook_to_its_own_colab_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| [") and "notebooks/" in line]
    assert len(rows) == len(NOTEBOOKS), rows
    for path, row in zip(NOTEBOOKS, rows):
        relative = path.relative_to(ROOT).as_posix()
        assert f"]({relative})" in row, f"README row for {relative}: {row[:80]}"
        assert COLAB_LINK.findall(row) == [colab.colab_url(relative)], row
    assert colab.binder_url() in readme and colab.codespaces_url() in readme
    assert colab.refresh_links(readme) == readme, "run python scripts/make_live_notebooks.py"


@pytest.mark.parametrize("stem, needs", WITH_SETUP.items())
def test_first_code_cell_is_the_generated_set_up(stem, needs):
    for path in (ROOT / "notebooks" / f"{stem}.ipynb", ROOT / "notebooks" / "live" / f"{stem}.ipynb"):
        code = [cell for cell in cells(path) if cell["cell_type"] == "code"]
        assert code[0]["id"] == "colab_setup"
        assert source(code[0]) == colab.setup_cell_source(needs), f"{path.name}: run scripts/make_live_notebooks.py"
        assert "parameters" in code[1]["metadata"].get("tags", [])


def test_set_up_cell_installs_only_helpers_from_the_repository():
    text = colab.setup_cell_source(("mnist",))
    assert colab.install_requirement() in text
    assert colab.install_requirement() == f"dl-course-helpers @ git+{colab.REPOSITORY}.git@{colab.BRANCH}"
    assert "tensorflow" not in text.lower().replace("tensorflow and keras stay", "")
    assert "requirements.txt" not in text.split("\n", 3)[-1]  # never installs requirements.txt on a hosted runtime
    assert max(len(line) for line in text.splitlines()) <= 110, "lines must fit the cell on a projector"
    compile(text, "set-up cell", "exec")
    assert colab.needs_of_setup_cell(text) == ("mnist",)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'name = "{colab.PACKAGE}"' in pyproject
    assert "dependencies" not in pyproject.split("[project]", 1)[1].split("\n[", 1)[0], (
        "the helpers package must declare no dependencies, or installing it on Colab could replace TensorFlow")


def test_urls_and_their_checks():
    assert colab.colab_url("notebooks/02_autoencoders.ipynb").endswith(f"/blob/{colab.BRANCH}/notebooks/02_autoencoders.ipynb")
    assert colab.COLAB_URL_PATTERN.fullmatch(colab.colab_url("notebooks/live/02_autoencoders.ipynb"))
    for bad in ["notebooks/02_autoencoders.py", "/abs/02.ipynb", None]:
        with pytest.raises(ValueError):
            colab.colab_url(bad)
    moved = "see https://colab.research.google.com/github/someone/else/blob/dev/notebooks/03_mnist_convnets.ipynb"
    assert colab.refresh_links(moved) == "see " + colab.colab_url("notebooks/03_mnist_convnets.ipynb")
    with pytest.raises(ValueError, match="unknown needs"):
        colab.setup_cell_source(("cifar",))
    with pytest.raises(TypeError):
        colab.setup(needs="mnist")


# ------------------------------------------------------------------- hosted behaviour, simulated


@pytest.fixture
def fake_colab(monkeypatch):
    """A stand-in google.colab in sys.modules, as a Colab kernel has it; pip and downloads recorded."""
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    installed = []
    monkeypatch.setattr(colab, "_pip_install", lambda requirements: installed.extend(requirements))
    return installed


def test_detects_colab_and_kaggle(monkeypatch):
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if colab.hosted_runtime() is not None:
        pytest.skip("running on a hosted runtime")
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    assert colab.hosted_runtime() == "Kaggle"
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert colab.hosted_runtime() == "Colab"


def test_on_colab_installs_only_what_is_missing_never_tensorflow(fake_colab, monkeypatch, capsys):
    present = {"numpy", "matplotlib", "sklearn", "psutil"}
    monkeypatch.setattr(colab.importlib.util, "find_spec",
                        lambda name, *args: object() if name in present or name == "google.colab" else None)
    done = colab.setup(needs=("atari",), diagnose=False)
    assert fake_colab == ["tqdm>=4.66,<5", "gymnasium>=1.2.3,<1.5", "ale-py>=0.11.2,<0.13",
                          "opencv-python-headless>=4.13,<5"]
    assert not any("tensorflow" in item or "keras" in item for item in fake_colab)
    out = capsys.readouterr().out
    assert "Colab detected" in out and "installed what the runtime lacked: tqdm" in out
    assert done[0].startswith("Colab detected")


def test_on_colab_fetches_mnist_once(fake_colab, monkeypatch, tmp_path, capsys):
    cache = tmp_path / "keras" / "datasets" / "mnist.npz"
    monkeypatch.setattr(data, "mnist_candidate_paths", lambda path=None: [tmp_path / "data" / "mnist.npz", cache])
    downloads = []

    def fake_download(path=None, download=True):
        downloads.append(1)
        cache.parent.mkdir(parents=True)
        cache.write_bytes(b"npz")

    monkeypatch.setattr(data, "load_mnist", fake_download)
    colab.setup(needs=("mnist",), diagnose=False)
    colab.setup(needs=("mnist",), diagnose=False)
    out = capsys.readouterr().out
    assert downloads == [1]
    assert f"MNIST downloaded to {cache}" in out and f"MNIST found: {cache}" in out


def test_on_your_own_machine_setup_changes_nothing(monkeypatch, capsys):
    monkeypatch.setattr(colab, "hosted_runtime", lambda: None)
    monkeypatch.setattr(colab, "_pip_install", lambda requirements: pytest.fail("installed on a local machine"))
    monkeypatch.setattr(data, "load_mnist", lambda *args, **kwargs: pytest.fail("downloaded on a local machine"))
    assert colab.setup(needs=("mnist", "atari"), diagnose=False) == []
    assert capsys.readouterr().out == ""


def test_download_mnist_checks_the_checksum(tmp_path):
    source = tmp_path / "served.npz"
    source.write_bytes(b"not mnist")
    target = tmp_path / "data" / "mnist.npz"
    with pytest.raises(ValueError, match="SHA-256"):
        colab.download_mnist(target, url=source.as_uri())
    assert not target.exists() and not target.with_name("mnist.npz.part").exists()
    import hashlib

    digest = hashlib.sha256(b"not mnist").hexdigest()
    assert colab.download_mnist(target, url=source.as_uri(), sha256=digest) == f"MNIST downloaded to {target}"
    assert colab.download_mnist(target, url="http://unreachable.invalid/") == f"MNIST already at {target}"


def test_command_line_runs_with_the_standard_library_only():
    """CI downloads MNIST with it before anything is installed: no numpy, no TensorFlow imported."""
    probe = ("import sys; from helpers import colab; colab.main(['colab-links']); "
             "assert 'numpy' not in sys.modules and 'tensorflow' not in sys.modules, 'imported more than the stdlib'")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert colab.colab_url("notebooks/01_nonlinear_classification.ipynb") in result.stdout
