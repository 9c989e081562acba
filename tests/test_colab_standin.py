"""The Colab path end to end, without Colab.

A notebook's first cell runs in a Python that has what Colab ships (the oldest supported
versions, constraints/oldest.txt) but not the course's `helpers`, with a stand-in
`google.colab` module imported first, as a Colab kernel has it. The cell must install
`helpers` (here from this checkout instead of the repository's address: the same pip
install, without the network), leave TensorFlow and every other package as they were,
find MNIST, say what it did and pass its environment check; then the notebook's
parameters and imports cells run on the installed package.

The environment is given by COLAB_STANDIN_PYTHON; without it the test is skipped (making
it installs TensorFlow). Make it once, for example:

    python3.10 -m venv /tmp/colab
    /tmp/colab/bin/pip install -c constraints/oldest.txt tensorflow keras numpy matplotlib scikit-learn psutil tqdm
    COLAB_STANDIN_PYTHON=/tmp/colab/bin/python pytest tests/test_colab_standin.py

The workflow's `oldest` job does this.
"""

import json
import os
import pathlib
import shutil
import subprocess
import textwrap

import pytest

from helpers import colab

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYTHON = os.environ.get("COLAB_STANDIN_PYTHON")
NOTEBOOK = ROOT / "notebooks" / "02_autoencoders.ipynb"  # needs MNIST; its imports are the common ones

pytestmark = pytest.mark.skipif(not PYTHON, reason="set COLAB_STANDIN_PYTHON to a Python with Colab's versions "
                                                   "and no helpers (see this file's docstring)")


def run(*args, **kwargs):
    return subprocess.run([PYTHON, *args], capture_output=True, text=True, **kwargs)


def frozen():
    listing = run("-m", "pip", "freeze", "--all").stdout.splitlines()
    return {line.split("==")[0].split(" @ ")[0].lower(): line for line in listing if line and not line.startswith("#")}


def local_mnist():
    for candidate in (ROOT / "data" / "mnist.npz", pathlib.Path(os.environ.get("MNIST_PATH", "/nonexistent"))):
        if candidate.is_file():
            return candidate
    pytest.skip("no local mnist.npz to stand in for the download")


def test_first_cells_on_a_stand_in_colab(tmp_path):
    assert run("-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('helpers') is not None)",
               cwd=tmp_path).returncode == 0, "the stand-in Python must not have helpers installed"
    before = frozen()
    # a stand-in google.colab; `google` stays a namespace package, so google.protobuf still imports
    (tmp_path / "standin" / "google" / "colab").mkdir(parents=True)
    (tmp_path / "standin" / "google" / "colab" / "__init__.py").write_text('"""stand-in"""\n', encoding="utf-8")
    # MNIST where Keras' download would put it on Colab, so no network is needed
    keras_home = tmp_path / "keras"
    (keras_home / "datasets").mkdir(parents=True)
    shutil.copy(local_mnist(), keras_home / "datasets" / "mnist.npz")

    cells = [cell for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]
    set_up, parameters, imports = ("".join(cell["source"]) for cell in cells[:3])
    assert set_up == colab.setup_cell_source(("mnist",))
    set_up = set_up.replace(colab.install_requirement(), f"{colab.PACKAGE} @ {ROOT.as_uri()}")
    driver = tmp_path / "kernel.py"
    driver.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tmp_path / 'standin')!r})
        import google.colab  # a Colab kernel has imported it before the first cell
        namespace = {{"__name__": "__main__"}}
        for name, source in [("set-up", {set_up!r}), ("parameters", {parameters!r}), ("imports", {imports!r})]:
            print(f"--- {{name}} cell")
            exec(compile(source, name + " cell", "exec"), namespace)
        (x_train, y_train), (x_test, y_test) = namespace["data"].load_mnist()
        print("MNIST loaded:", x_train.shape, x_test.shape)
        print("helpers.data at", namespace["data"].__file__)
        from helpers import agents  # the trained agent's files ship inside the package
        print("trained agents:", sorted(path.name for path in agents.TRAINED_DIR.iterdir()),
              agents.build_network(6).output_shape)
    """), encoding="utf-8")
    environment = dict(os.environ, KERAS_HOME=str(keras_home), FAST="1", TF_CPP_MIN_LOG_LEVEL="3")
    environment.pop("MNIST_PATH", None)
    environment.pop("PYTHONPATH", None)
    try:
        result = run(str(driver), cwd=tmp_path, env=environment, timeout=900)
        after = frozen()
    finally:
        run("-m", "pip", "uninstall", "--yes", "--quiet", colab.PACKAGE)
    output = result.stdout + result.stderr
    print(output[-4000:])  # shown by pytest -rA: what a student sees on Colab
    assert result.returncode == 0, output[-6000:]
    assert f"pip install {colab.PACKAGE} @ " in output
    assert f"Colab detected: course helpers from {colab.REPOSITORY}" in output
    assert f"MNIST found: {keras_home / 'datasets' / 'mnist.npz'}" in output
    assert "environment: Python 3." in output and "all checks passed" in output, output[-3000:]
    assert "MNIST loaded: (60000, 28, 28) (10000, 28, 28)" in output
    assert "trained agents: ['Pong.json', 'Pong.weights.npz'] (None, 6)" in output
    assert "site-packages" in output.split("helpers.data at", 1)[1].splitlines()[0], "helpers not installed as a package"
    # only helpers was added: TensorFlow, Keras and everything else are the runtime's own
    added = {name for name in after if name not in before}
    changed = {name for name in before if name in after and before[name] != after[name]}
    assert added == {colab.PACKAGE} and not changed, (added, changed)
    assert before["tensorflow"] == after["tensorflow"] and before["keras"] == after["keras"]
