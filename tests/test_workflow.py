"""The GitHub Actions workflow runs what the README says, on the Python versions the project states."""

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


def test_tests_job_runs_the_readme_command_on_lowest_and_highest_python():
    jobs = load_workflow()["jobs"]
    assert readme_test_command() in run_lines(jobs["tests"]).splitlines()
    matrix = [tuple(map(int, version.split("."))) for version in jobs["tests"]["strategy"]["matrix"]["python-version"]]
    assert sorted(matrix) == list(stated_python_versions())
    setup = [step for step in jobs["tests"]["steps"] if step.get("uses", "").startswith("actions/setup-python")]
    assert setup and setup[0]["with"]["cache"] == "pip" and setup[0]["with"]["cache-dependency-path"] == "requirements.txt"


def test_python_range_agrees_across_readme_pyproject_and_environment():
    lowest, highest = stated_python_versions()
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'requires-python = ">=3\.{lowest[1]},\s*<3\.{highest[1] + 1}"', text), text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python 3.{lowest[1]}–3.{highest[1]}" in readme
    environment = (ROOT / "environment.yml").read_text(encoding="utf-8")
    minor = int(re.search(r"- python=3\.(\d+)", environment).group(1))
    assert lowest[1] <= minor <= highest[1]


def test_full_run_jobs_are_manual_and_upload_results():
    workflow = load_workflow()
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True
    assert "workflow_dispatch" in triggers
    jobs = workflow["jobs"]
    assert jobs["full-runs-gpu"]["runs-on"] == ["self-hosted", "gpu"]
    assert 'tensorflow[and-cuda]~=2.21.0' in run_lines(jobs["full-runs-gpu"])
    for name in ("full-runs-cpu", "full-runs-gpu"):
        job = jobs[name]
        assert "workflow_dispatch" in job["if"]
        assert "python scripts/full_runs.py" in run_lines(job)
        uploads = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
        assert uploads and "results/full_runs.json" in uploads[0]["with"]["path"]
        assert "runs/full_runs/" in uploads[0]["with"]["path"]
