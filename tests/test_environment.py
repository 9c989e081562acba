"""helpers.environment.diagnose: one short output, and the fix for each problem it finds."""

import pytest

from helpers import data, environment


def fake_versions(monkeypatch, **versions):
    real = environment._distribution_version
    names = {name.replace("_", "-"): version for name, version in versions.items()}
    monkeypatch.setattr(environment, "_distribution_version", lambda name: names.get(name, real(name)))


def test_this_environment_passes_every_check(capsys):
    findings = environment.diagnose(needs=("mnist", "atari"), hosted=False)
    text = capsys.readouterr().out
    problems = [finding for finding in findings if finding.problem]
    # MNIST may be absent on a fresh clone: that is a problem with a fix, not a failure
    assert all(finding.topic == "mnist" for finding in problems), environment.report(findings)
    lines = text.strip().splitlines()
    assert lines[0].startswith("environment: Python 3.") and "TensorFlow 2." in lines[0]
    assert "Keras 3." in lines[0] and "(backend tensorflow)" in lines[0]
    assert lines[1].startswith("device:      ") and ("CPU only" in lines[1] or "GPU:" in lines[1])
    assert "Atari ROMs in ale-py" in text
    assert len(lines) <= 6, "the diagnosis must stay short"


def test_old_tensorflow_gets_a_fix(monkeypatch):
    fake_versions(monkeypatch, tensorflow="2.16.1")
    finding = environment.check_tensorflow(hosted=False)
    assert "older than the course supports" in finding.problem and finding.fix == environment.INSTALL
    hosted = environment.check_tensorflow(hosted=True)
    assert "pip install 'tensorflow>=2.19.0,<2.22'" in hosted.fix and "restart the runtime" in hosted.fix


def test_newer_than_tested_points_to_the_recorded_versions(monkeypatch):
    fake_versions(monkeypatch, keras="3.16.0")
    finding = environment.check_keras(hosted=False)
    assert "newer than the course was tested with" in finding.problem
    assert "constraints/recorded.txt" in finding.fix


def test_keras_on_another_backend_or_legacy_keras(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    finding = environment.check_keras()
    assert "backend jax" in finding.found and "KERAS_BACKEND=tensorflow" in finding.fix
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    assert "unset TF_USE_LEGACY_KERAS" in environment.check_keras().fix


def test_python_outside_the_range(monkeypatch):
    monkeypatch.setattr(environment.sys, "version_info", (3, 9, 18))
    finding = environment.check_python()
    assert "outside the supported 3.10-3.13" in finding.problem and "venv" in finding.fix


def test_missing_mnist_says_how_to_work_offline(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "mnist_candidate_paths", lambda path=None: [tmp_path / "mnist.npz"])
    finding = environment.check_mnist()
    assert finding.problem and "downloads it on first use" in finding.problem
    assert "data/README.md" in finding.fix


def test_missing_roms_say_which_ale_py(monkeypatch):
    import ale_py.roms

    monkeypatch.setattr(ale_py.roms, "get_rom_path", lambda name: None)
    finding = environment.check_atari()
    assert finding.found == "Atari ROMs missing"
    assert finding.fix.startswith("pip install --upgrade 'ale-py>=0.11.2,<0.13'")


def test_missing_atari_packages(monkeypatch):
    real = environment.importlib.util.find_spec
    monkeypatch.setattr(environment.importlib.util, "find_spec",
                        lambda name, *args: None if name == "ale_py" else real(name, *args))
    finding = environment.check_atari(hosted=False)
    assert "ale_py" in finding.found and finding.fix == environment.INSTALL


def test_report_lists_each_problem_with_its_fix():
    findings = [environment.Finding("python", "Python 3.11.7"),
                environment.Finding("tensorflow", "TensorFlow 2.16.1", "too old", "pip install -r requirements.txt"),
                environment.Finding("keras", "Keras 3.15.1 (backend tensorflow)"),
                environment.Finding("device", "CPU only (2 logical cores)")]
    text = environment.report(findings)
    assert text.splitlines() == [
        "environment: Python 3.11.7 · TensorFlow 2.16.1 · Keras 3.15.1 (backend tensorflow)",
        "device:      CPU only (2 logical cores)",
        "problem:     too old",
        "  fix:       pip install -r requirements.txt",
    ]


def test_needs_are_checked():
    with pytest.raises(ValueError, match="unknown needs"):
        environment.diagnose(needs=("imagenet",), print_report=False)
