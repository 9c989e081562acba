"""The GitHub Actions workflow runs what the README says, at both ends of the supported range and on
Linux, macOS (arm64) and Windows; the full-run jobs install the recorded versions."""

import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"


def load_workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(pip install -r requirements\.txt && pytest)\n```", readme)
    assert commands, "the README's set-up section must show the test command"
    return commands[0]


def stated_python_versions():
    """(lowest, highest) from pyproject.toml's classifiers."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    versions = sorted({tuple(map(int, minor.split("."))) for minor in
                       re.findall(r"Programming Language :: Python :: (3\.\d+)\"", text)})
    assert versions, "pyproject.toml must list the supported Python versions as classifiers"
    return versions[0], versions[-1]


def run_lines(job):
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_tests_job_runs_the_readme_command_in_four_settings():
    jobs = load_workflow()["jobs"]
    job = jobs["tests"]
    assert readme_test_command() in run_lines(job).splitlines()
    entries = {entry["name"]: entry for entry in job["strategy"]["matrix"]["include"]}
    assert set(entries) == {"oldest", "newest", "macos", "windows"}
    lowest, highest = stated_python_versions()
    as_tuple = lambda text: tuple(map(int, text.split(".")))  # noqa: E731
    # both ends of the range: the lowest Python with the oldest set, the highest with the newest
    assert as_tuple(entries["oldest"]["python-version"]) == lowest
    assert entries["oldest"]["constraint"] == "constraints/oldest.txt"
    assert as_tuple(entries["newest"]["python-version"]) == highest and entries["newest"]["constraint"] == ""
    assert entries["macos"]["os"] in {"macos-14", "macos-15", "macos-latest"}, "an Apple-silicon (arm64) runner"
    assert any('"$(uname -m)" = arm64' in step.get("run", "") for step in job["steps"]), "the macOS job checks arm64"
    assert entries["windows"]["os"].startswith("windows-")
    for entry in entries.values():
        assert lowest <= as_tuple(entry["python-version"]) <= highest
    assert job["runs-on"] == "${{ matrix.os }}" and job["strategy"]["fail-fast"] is False
    # the README's command is unchanged; pip reads the oldest job's constraints from PIP_CONSTRAINT
    assert job["env"]["PIP_CONSTRAINT"] == "${{ matrix.constraint }}"
    setup = [step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-python")]
    assert setup and setup[0]["with"]["cache"] == "pip"
    assert "requirements.txt" in setup[0]["with"]["cache-dependency-path"]


def test_every_platform_gets_the_same_shell_and_utf8():
    workflow = load_workflow()
    assert workflow["defaults"]["run"]["shell"] == "bash"
    assert workflow["env"]["PYTHONUTF8"] == "1"


def test_mnist_download_runs_before_install_with_the_standard_library():
    for name, job in load_workflow()["jobs"].items():
        downloads = [step["run"] for step in job["steps"] if "download-mnist" in step.get("run", "")]
        assert downloads, f"job {name} fetches no MNIST"
        assert "curl" not in run_lines(job) and "sha256sum" not in run_lines(job), "not on Windows or macOS"


def test_oldest_job_also_runs_the_colab_stand_in():
    job = load_workflow()["jobs"]["tests"]
    steps = [step for step in job["steps"] if "test_colab_standin.py" in step.get("run", "")]
    assert steps and steps[0]["if"] == "matrix.name == 'oldest'"
    assert "constraints/oldest.txt" in steps[0]["run"]


def test_python_range_agrees_across_readme_pyproject_and_environment():
    lowest, highest = stated_python_versions()
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'requires-python = ">=3\.{lowest[1]},\s*<3\.{highest[1] + 1}"', text), text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python 3.{lowest[1]}–3.{highest[1]}" in readme
    environment = (ROOT / "environment.yml").read_text(encoding="utf-8")
    minor = int(re.search(r"- python=3\.(\d+)", environment).group(1))
    assert lowest[1] <= minor <= highest[1]


def test_full_run_jobs_are_manual_install_the_recorded_versions_and_upload_results():
    workflow = load_workflow()
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True
    assert "workflow_dispatch" in triggers
    jobs = workflow["jobs"]
    assert jobs["full-runs-gpu"]["runs-on"] == ["self-hosted", "gpu"]
    assert '"tensorflow[and-cuda]" -c constraints/recorded.txt' in run_lines(jobs["full-runs-gpu"])
    for name in ("full-runs-cpu", "full-runs-gpu"):
        job = jobs[name]
        assert "workflow_dispatch" in job["if"]
        assert "pip install -r requirements.txt -c constraints/recorded.txt" in run_lines(job)
        assert "python scripts/full_runs.py" in run_lines(job)
        uploads = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
        assert uploads and "results/full_runs.json" in uploads[0]["with"]["path"]
        assert "runs/full_runs/" in uploads[0]["with"]["path"]
