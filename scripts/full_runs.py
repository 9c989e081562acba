"""Run the course notebooks headless, record their named results, and write the README's results table.

    python scripts/full_runs.py                        # all four notebooks, full mode, seed 0
    python scripts/full_runs.py 03 --seeds 0 1 2       # notebook 3 with three seeds
    python scripts/full_runs.py 04 --atari-steps 50000 # notebook 4 with a short Atari run
    python scripts/full_runs.py 04 --seeds 3 --resume --atari-minutes 95
                                                       # continue seed 3's recorded Atari run to 95 min
    python scripts/full_runs.py 01 --fast --results /tmp/fast.json --readme /tmp/README.md
    python scripts/full_runs.py --readme-only          # rewrite the README table from the JSON
    python scripts/full_runs.py --readme-only --check  # exit 1 if the README table is out of date

For every (notebook, seed) it

- executes the notebook with papermill in a fresh kernel whose working directory is
  notebooks/ (as in Jupyter), with the parameter `SEED` (and, where the notebook has
  them, `ATARI_TOTAL_STEPS` from --atari-steps, `ATARI_MAX_MINUTES` from --atari-minutes
  and a fresh `CHECKPOINT_DIR`, so a run never resumes an older run's training), and
  `FAST=0` or `FAST=1` in the kernel's environment (the notebooks read FAST from there);
- with --resume, keeps the run's checkpoint folder instead, so the notebook continues
  the recorded run's training (with a larger --atari-minutes: trains it longer); the new
  entry keeps the entry it extends under `resumed_from` (its commit, date, wall time,
  parameters and results), and the table names the run "resumed";
- writes the executed copy to runs/full_runs/<notebook>-seed<S>-<mode>.ipynb (runs/ is
  not committed);
- sets COURSE_RESULTS_DIR for the kernel and reads back <notebook>.json, which the
  notebook's last cell writes through `helpers.runtime.report_results`;
- measures the wall time of the execution and the kernel's CPU time;
- records one entry per (notebook, seed, mode) in results/full_runs.json, replacing an
  older entry with the same notebook, seed and mode;
- rewrites the README's results table (between the full-runs markers) from that file;
- writes the executed notebook as HTML to docs/outputs/ (`--outputs`), so that a teacher
  sees every figure and number of a recorded run before class without running anything
  (`--html-only` renders the executed notebooks already in runs/ again).

CPU time: papermill starts the kernel as a child process of this one and, when the
notebook is done, shuts it down and waits for it. The operating system then adds the
kernel's user and system time (every thread, and any processes the kernel itself
waited for) to this process's `resource.getrusage(RUSAGE_CHILDREN)`. The difference
of that counter around the execution is the kernel's CPU time, without this script's
own bookkeeping. On a machine with several cores, CPU time above the wall time means
the kernel kept more than one core busy. (On Windows, where `resource` does not exist,
the CPU time is not recorded.)

A notebook that fails (a check cell raising, a missing results file, a results file
that does not match the run) records nothing; the other runs still go ahead and the
command exits with status 1. Quick runs (--fast) never go into the committed results
file: they are recorded only in a file given with --results (the tests do that) or
with --record-fast.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import logging
import math
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

from helpers.runtime import RESULTS_DIR_VARIABLE  # the variable report_results reads

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
DEFAULT_RESULTS = ROOT / "results" / "full_runs.json"
DEFAULT_README = ROOT / "README.md"
DEFAULT_RUNS_DIR = ROOT / "runs" / "full_runs"
DEFAULT_OUTPUTS = ROOT / "docs" / "outputs"  # the executed notebooks as HTML, for teachers
START_MARKER = "<!-- full-runs:start -->"
END_MARKER = "<!-- full-runs:end -->"
LIBRARIES = ("tensorflow", "keras", "numpy", "gymnasium", "ale-py")

# Results shown in the README table, per notebook (names as the notebook reports them,
# results or timings; a dict result can be named as a whole or by "name.key"). A notebook
# not listed here shows all its results. The JSON file always keeps all of them.
KEY_RESULTS: dict[str, list[str]] = {
    "01_nonlinear_classification": [
        "sphere_test_accuracy", "sphere_majority_accuracy", "sphere_boundary_radius_median",
        "original_recipe_test_accuracy", "original_recipe_majority_accuracy",
        "moons_keras_train_accuracy", "moons_logistic_regression_train_accuracy",
        "spiral_test_accuracy", "two_d_test_accuracy.spirals_linear",
        "rosenbrock_r2", "rosenbrock_linear_r2",
    ],
    "02_autoencoders": [
        "reconstruction_accuracy", "untrained_reconstruction_accuracy", "binary_code_rate",
        "original_reconstruction_accuracy", "mean_image_mse", "pca_mse", "autoencoder_mse",
        "codes_classifier_accuracy", "pixels_classifier_accuracy", "untrained_codes_classifier_accuracy",
    ],
    "03_mnist_convnets": ["test_accuracy", "validation_accuracy", "baselines.majority_class_validation"],
    "04_atari_dqn": [
        "frozenlake_greedy_success_rate", "frozenlake_random_success_rate",
        "cartpole_greedy_return", "cartpole_random_return",
        "atari_game", "atari_precision", "atari_optimizer", "atari_targets", "atari_total_steps",
        "atari_eval_score",
        "atari_random_score",
        "atari_training_seconds",
    ],
}
MAX_LIST_LENGTH = 6  # longer lists of numbers are left out of the table (they stay in the JSON)


class RunFailed(Exception):
    """A notebook run that must not be recorded."""


# ------------------------------------------------------------------ notebooks
def course_notebooks() -> list[pathlib.Path]:
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def resolve_notebook(name: str) -> pathlib.Path:
    """'03', '3', '03_mnist_convnets', 'notebooks/03_mnist_convnets.ipynb' or any path to an .ipynb."""
    path = pathlib.Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path.resolve()
    known = course_notebooks()
    stem = path.stem if path.suffix == ".ipynb" else name
    for notebook in known:
        if stem == notebook.stem:
            return notebook
    if re.fullmatch(r"\d{1,2}", stem):
        matches = [notebook for notebook in known if notebook.stem.startswith(f"{int(stem):02d}_")]
        if len(matches) == 1:
            return matches[0]
    choices = ", ".join(notebook.stem for notebook in known)
    raise ValueError(f"unknown notebook {name!r}: give one of {choices} (or its number, e.g. 03), "
                     f"or the path of an .ipynb file")


def parameter_names(notebook: pathlib.Path) -> set[str]:
    """Names assigned in the notebook's cell tagged `parameters` (what papermill may set)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            return set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)", source, flags=re.M))
    raise RunFailed(f"{notebook.name} has no code cell tagged 'parameters'")


# ------------------------------------------------------------------ machine
def machine_info() -> dict:
    import psutil

    cpu_model = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:  # no /proc (macOS, Windows)
        pass
    if sys.platform == "darwin":  # platform.processor() says only "arm" or "i386" there
        try:
            brand = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True,
                                   timeout=30).stdout.strip()
            cpu_model = brand or cpu_model
        except (OSError, subprocess.SubprocessError):
            pass
    gpus = []
    if shutil.which("nvidia-smi"):
        try:
            listing = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                                     capture_output=True, text=True, timeout=30)
            if listing.returncode == 0:
                gpus = [line.strip() for line in listing.stdout.splitlines() if line.strip()]
        except (OSError, subprocess.SubprocessError):
            pass
    return {
        "cpu_model": cpu_model,
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "gpus": gpus,
        "os": platform.platform(terse=True),
    }


def library_versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=30)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "notebooks", "helpers"],
                               cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        return head.stdout.strip() + ("+local-changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def children_cpu_seconds() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ------------------------------------------------------------------ one run
def display_path(path: pathlib.Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def device_line(executed: pathlib.Path) -> str | None:
    """The line the notebook printed through runtime.describe_device() ('CPU only ...' or 'GPU: ...')."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError):
        return None
    for cell in cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            for line in text.splitlines():
                if line.startswith(("CPU only", "GPU:")):
                    return line.strip()
    return None


def run_notebook(notebook: pathlib.Path, seed: int, fast: bool, atari_steps: int | None, runs_dir: pathlib.Path,
                 kernel_name: str | None, cell_timeout: int | None, log_output: bool,
                 atari_minutes: float | None = None, resume: dict | None = None) -> dict:
    """Execute one notebook; return its entry for the results file or raise RunFailed.

    resume: the recorded entry whose run this one continues from its checkpoints (None: a
    fresh run in a fresh folder)."""
    import papermill

    mode = "fast" if fast else "full"
    run_name = f"{notebook.stem}-seed{seed}-{mode}"
    executed = runs_dir / f"{run_name}.ipynb"
    work_dir = runs_dir / run_name
    names = parameter_names(notebook)
    if "SEED" not in names:
        raise RunFailed(f"{notebook.name}: the parameters cell defines no SEED")
    if resume is not None:
        if "CHECKPOINT_DIR" not in names or not any((work_dir / "checkpoints").glob("*.ckpt.npz")):
            raise RunFailed(f"{run_name}: --resume needs the checkpoints of the recorded run in "
                            f"{display_path(work_dir / 'checkpoints')}; there are none")
        shutil.rmtree(work_dir / "results", ignore_errors=True)
    elif work_dir.exists():
        shutil.rmtree(work_dir)
    results_dir = work_dir / "results"
    results_dir.mkdir(parents=True)
    parameters = {"SEED": seed}
    if atari_steps is not None and "ATARI_TOTAL_STEPS" in names:
        parameters["ATARI_TOTAL_STEPS"] = atari_steps
    if atari_minutes is not None and "ATARI_MAX_MINUTES" in names:
        parameters["ATARI_MAX_MINUTES"] = atari_minutes
    if "CHECKPOINT_DIR" in names:  # a fresh folder unless resuming: never resume another run's training
        parameters["CHECKPOINT_DIR"] = str(work_dir / "checkpoints")
    environment = {"FAST": "1" if fast else "0", RESULTS_DIR_VARIABLE: str(results_dir)}
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    date = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    commit = git_commit()  # what runs is what is checked out now, not at the end of a long run
    print(f"== {run_name}: parameters {parameters}, FAST={environment['FAST']}, executed copy {executed}",
          flush=True)
    cpu_before = children_cpu_seconds()
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, kernel_name=kernel_name, cwd=str(notebook.parent),
            execution_timeout=cell_timeout, log_output=log_output, progress_bar=False,
        )
    except papermill.PapermillExecutionError as error:
        raise RunFailed(f"{run_name}: cell {error.exec_count} raised {error.ename}: {error.evalue} "
                        f"(see {executed})") from None
    except Exception as error:  # a kernel that died, a timeout, ...
        raise RunFailed(f"{run_name}: {type(error).__name__}: {error} (see {executed})") from None
    finally:
        wall_seconds = time.perf_counter() - start
        cpu_after = children_cpu_seconds()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    report_path = results_dir / f"{notebook.stem}.json"
    if not report_path.is_file():
        raise RunFailed(f"{run_name}: the notebook ran but wrote no {report_path.name}: its last cell must call "
                        f"runtime.report_results({notebook.stem!r}, ...)")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    if report.get("notebook") != notebook.stem:
        raise RunFailed(f"{run_name}: results file names notebook {report.get('notebook')!r}")
    run_info = report.get("run", {})
    if "seed" in run_info and run_info["seed"] != seed:
        raise RunFailed(f"{run_name}: the notebook reports seed {run_info['seed']}, expected {seed}")
    if "fast" in run_info and bool(run_info["fast"]) != fast:
        raise RunFailed(f"{run_name}: the notebook reports fast={run_info['fast']}, expected {fast}")
    cpu_seconds = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    extended = {}
    if resume is not None:
        extended["resumed_from"] = {key: resume.get(key) for key in (  # earlier sessions nest
            "parameters", "results", "timings", "wall_seconds", "cpu_seconds", "date", "commit", "resumed_from")
            if key in resume}
    return {
        "notebook": notebook.stem,
        "seed": seed,
        "mode": mode,
        "parameters": {key: value for key, value in parameters.items() if key != "CHECKPOINT_DIR"},
        "results": report.get("results", {}),
        "timings": report.get("timings", {}),
        "wall_seconds": round(wall_seconds, 1),
        "cpu_seconds": None if cpu_seconds is None else round(cpu_seconds, 1),
        "date": date.isoformat().replace("+00:00", "Z"),
        "device": device_line(executed),
        "machine": machine_info(),
        "versions": library_versions(),
        "commit": commit,
        "executed_notebook": display_path(executed),
        **extended,
    }


# ------------------------------------------------------------------ results file
def load_entries(path: pathlib.Path) -> list[dict]:
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a JSON list of run entries")
    return entries


def entry_key(entry: dict) -> tuple:
    """What identifies a recorded run: a later run with the same key replaces it."""
    return entry["notebook"], entry["seed"], entry["mode"]


def merge_entries(entries: list[dict], new: list[dict]) -> list[dict]:
    """Replace entries with the same (notebook, seed, mode); keep a stable order."""
    keys = {entry_key(entry) for entry in new}
    kept = [entry for entry in entries if entry_key(entry) not in keys]
    return sorted(kept + new, key=lambda entry: (entry["notebook"], entry["mode"], entry["seed"]))


def save_entries(path: pathlib.Path, entries: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ README table
def flatten(results: dict, prefix: str = "") -> dict:
    flat = {}
    for name, value in results.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flatten(value, key + "."))
        elif isinstance(value, list) and len(value) > MAX_LIST_LENGTH:
            continue
        else:
            flat[key] = value
    return flat


def format_number(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if not math.isfinite(value):
        return str(value)
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.2e}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def summarise(values: list) -> str:
    """One result over the seeds: the value, or mean ± standard deviation of numbers."""
    if all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values) and len(values) > 1:
        mean = statistics.fmean(values)
        spread = statistics.stdev(values)
        if spread == 0 or not math.isfinite(spread):
            return f"{format_number(values[0])} ± 0"
        decimals = min(8, max(0, 1 - math.floor(math.log10(spread))))  # two significant digits of the sd
        return f"{mean:,.{decimals}f} ± {spread:,.{decimals}f}"
    if all(isinstance(value, list) for value in values) and len(values) > 1:
        if len({len(value) for value in values}) == 1:
            return "[" + ", ".join(summarise([value[index] for value in values])
                                   for index in range(len(values[0]))) + "]"
    if len(values) == 1 or all(value == values[0] for value in values):
        value = values[0]
        if isinstance(value, list):
            return "[" + ", ".join(format_number(item) for item in value) + "]"
        return format_number(value)
    return " / ".join(format_number(value) if not isinstance(value, list) else str(value) for value in values)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def describe_machine(entry: dict) -> str:
    machine = entry.get("machine", {})
    gpus = machine.get("gpus") or []
    gpu = f"GPU {gpus[0]}" + (f" ×{len(gpus)}" if len(gpus) > 1 else "") if gpus else "no GPU"
    return (f"{machine.get('logical_cores', '?')} cores ({machine.get('cpu_model', '?')}), "
            f"{format_number(machine.get('ram_gib', '?'))} GiB, {gpu}")


def group_entries(entries: list[dict]) -> list[list[dict]]:
    """One table row per notebook, mode, machine, non-seed parameters and text results.

    Text results name what a run was (notebook 4's game and arithmetic, `atari_precision`),
    so runs that differ in one are not averaged together.
    """
    groups: dict[tuple, list[dict]] = {}
    for entry in entries:
        parameters = {key: value for key, value in entry.get("parameters", {}).items() if key != "SEED"}
        kinds = {key: value for key, value in entry.get("results", {}).items() if isinstance(value, str)}
        key = (entry["notebook"], entry["mode"] != "full", describe_machine(entry),
               json.dumps(parameters, sort_keys=True), json.dumps(kinds, sort_keys=True),
               bool(entry.get("resumed_from")))
        groups.setdefault(key, []).append(entry)
    return [sorted(groups[key], key=lambda entry: entry["seed"]) for key in sorted(groups)]


def render_table(entries: list[dict]) -> str:
    """The README text between the markers, generated from the results file's entries."""
    if not entries:
        return ("No full run is recorded yet. `python scripts/full_runs.py` runs the notebooks and fills in "
                "this table from `results/full_runs.json`.")
    lines = [
        "| notebook | results (mean ± sd over the seeds) | wall time | CPU time | seeds | date | machine |",
        "|---|---|---|---|---|---|---|",
    ]
    for group in group_entries(entries):
        first = group[0]
        names = KEY_RESULTS.get(first["notebook"])
        flat = [flatten(entry["results"]) for entry in group]
        if names is not None:  # a listed name may also be one of the timings (notebook 4's training time)
            flat = [{**item, **flatten(entry.get("timings", {}))} for entry, item in zip(group, flat)]
        if names is None:
            names = list(flat[0])
        else:
            names = [name for name in flat[0] if name in names or name.split(".", 1)[0] in names]
        shown = [f"`{name}` {summarise([item.get(name) for item in flat])}" for name in names]
        title = first["notebook"]
        notes = [f"{key}={format_number(value)}" for key, value in first.get("parameters", {}).items()
                 if key != "SEED"]
        if first["mode"] != "full":
            notes.insert(0, "quick run (FAST=1)")
        resumed = [entry for entry in group if entry.get("resumed_from")]
        for entry in resumed:  # the wall and CPU times below are the resumed session's only
            earlier = entry["resumed_from"]
            notes.append(f"resumes seed {entry['seed']}'s run of {str(earlier.get('date'))[:16].replace('T', ' ')} "
                         f"UTC, which took {format_duration(earlier.get('wall_seconds'))} wall")
        if notes:
            title += " (" + ", ".join(notes) + ")"
        walls = [entry["wall_seconds"] for entry in group]
        cpus = [entry.get("cpu_seconds") for entry in group]
        wall = format_duration(statistics.fmean(walls))
        cpu = format_duration(statistics.fmean(cpus)) if None not in cpus else "–"
        seeds = ", ".join(str(entry["seed"]) for entry in group)
        dates = sorted({entry["date"][:10] for entry in group})
        date = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
        lines.append(f"| {title} | {'<br>'.join(shown)} | {wall} | {cpu} | {seeds} | {date} | "
                     f"{describe_machine(first)} |")
    versions = max(entries, key=lambda entry: entry["date"]).get("versions", {})
    library_text = ", ".join(f"{name} {version}" for name, version in versions.items() if version)
    lines.append("")
    lines.append(f"Libraries of the latest run: {library_text}. Every entry, with the notebooks' own timings, "
                 f"the device each kernel found and the commit, is in `results/full_runs.json`.")
    return "\n".join(lines)


def replace_table(readme_text: str, table: str) -> str:
    if readme_text.count(START_MARKER) != 1 or readme_text.count(END_MARKER) != 1:
        raise ValueError(f"the README needs exactly one {START_MARKER} and one {END_MARKER} line")
    before, rest = readme_text.split(START_MARKER, 1)
    _, after = rest.split(END_MARKER, 1)
    return f"{before}{START_MARKER}\n{table}\n{END_MARKER}{after}"


def table_in_readme(readme_text: str) -> str:
    if readme_text.count(START_MARKER) != 1 or readme_text.count(END_MARKER) != 1:
        raise ValueError(f"the README needs exactly one {START_MARKER} and one {END_MARKER} line")
    return readme_text.split(START_MARKER, 1)[1].split(END_MARKER, 1)[0].strip("\n")


# ------------------------------------------------------------------ command line
def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebook names, numbers (01..04) or .ipynb paths; default: all course notebooks")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0], metavar="SEED", help="seeds to run (default 0)")
    parser.add_argument("--fast", action="store_true", help="quick runs (FAST=1): recorded only with --results "
                                                            "or --record-fast")
    parser.add_argument("--atari-steps", type=int, default=None, metavar="N",
                        help="notebook 4: Atari training steps (ATARI_TOTAL_STEPS); default: the notebook's own")
    parser.add_argument("--atari-minutes", type=float, default=None, metavar="M",
                        help="notebook 4: minutes of Atari training (ATARI_MAX_MINUTES); default: the notebook's own")
    parser.add_argument("--resume", action="store_true",
                        help="continue each recorded run from its checkpoints in --runs-dir (with a larger "
                             "--atari-minutes: train it longer) instead of starting fresh")
    parser.add_argument("--readme-only", action="store_true", help="run nothing; rewrite the README table")
    parser.add_argument("--check", action="store_true", help="with --readme-only: exit 1 if the README table "
                                                             "differs from the results file; write nothing")
    parser.add_argument("--results", type=pathlib.Path, default=None,
                        help="results file (default results/full_runs.json)")
    parser.add_argument("--readme", type=pathlib.Path, default=None,
                        help="README whose table is rewritten (default: README.md when the results file is the "
                             "default one, else none)")
    parser.add_argument("--runs-dir", type=pathlib.Path, default=DEFAULT_RUNS_DIR,
                        help="where the executed notebooks go (default runs/full_runs)")
    parser.add_argument("--record-fast", action="store_true", help="record quick runs in the default results file")
    parser.add_argument("--kernel", default=None, help="Jupyter kernel name (default: the notebook's own)")
    parser.add_argument("--cell-timeout", type=int, default=None, metavar="SECONDS",
                        help="fail a cell that runs longer (default: no limit)")
    parser.add_argument("--quiet", action="store_true", help="do not echo the notebooks' output")
    parser.add_argument("--outputs", type=pathlib.Path, default=None, metavar="DIR",
                        help="write each recorded run's executed notebook as HTML there (default: "
                             "docs/outputs when recording into the committed results file)")
    parser.add_argument("--html-only", action="store_true",
                        help="run nothing; render the executed notebooks already in --runs-dir for the "
                             "given notebooks and seeds (full mode) as HTML")
    arguments = parser.parse_args(argv)
    if arguments.check and not arguments.readme_only:
        parser.error("--check goes with --readme-only")
    if any(seed < 0 for seed in arguments.seeds):
        parser.error("seeds must be >= 0")
    if arguments.atari_steps is not None and arguments.atari_steps <= 0:
        parser.error("--atari-steps must be a positive number of steps")
    if arguments.atari_minutes is not None and arguments.atari_minutes <= 0:
        parser.error("--atari-minutes must be a positive number of minutes")
    try:
        arguments.notebook_paths = [resolve_notebook(name) for name in arguments.notebooks] or course_notebooks()
    except ValueError as error:
        parser.error(str(error))
    if not arguments.notebook_paths:
        parser.error(f"no notebooks found in {NOTEBOOK_DIR}")
    return arguments


def write_readme(readme: pathlib.Path, entries: list[dict]) -> None:
    text = readme.read_text(encoding="utf-8")
    new_text = replace_table(text, render_table(entries))
    if new_text != text:
        readme.write_text(new_text, encoding="utf-8")
        print(f"rewrote the results table in {readme}")


def render_html(executed: pathlib.Path, outputs_dir: pathlib.Path) -> pathlib.Path:
    """An executed notebook as a stand-alone HTML page (nbconvert), with every figure and
    number it printed, so that a teacher sees them before class without running anything."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_filename(str(executed))
    outputs_dir.mkdir(parents=True, exist_ok=True)
    path = outputs_dir / f"{executed.stem}.html"
    path.write_text(html, encoding="utf-8")
    return path


def main(argv=None) -> int:
    arguments = parse_arguments(argv)
    results_path = arguments.results or DEFAULT_RESULTS
    if arguments.outputs is None and arguments.results is None and not arguments.fast:
        arguments.outputs = DEFAULT_OUTPUTS
    if arguments.html_only:
        if arguments.outputs is None:
            print("--html-only needs --outputs DIR here", file=sys.stderr)
            return 2
        missing = 0
        for notebook in arguments.notebook_paths:
            for seed in arguments.seeds:
                executed = arguments.runs_dir / f"{notebook.stem}-seed{seed}-full.ipynb"
                if not executed.is_file():
                    print(f"no executed notebook {executed}", file=sys.stderr)
                    missing += 1
                    continue
                print(f"wrote {display_path(render_html(executed, arguments.outputs))}")
        return 1 if missing else 0
    if arguments.readme is None and arguments.results is None:
        arguments.readme = DEFAULT_README
    if arguments.readme_only:
        if arguments.readme is None:
            print("--readme-only with --results needs --readme PATH", file=sys.stderr)
            return 2
        entries = load_entries(results_path)
        try:
            current = table_in_readme(arguments.readme.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"{arguments.readme}: {error}", file=sys.stderr)
            return 2
        if arguments.check:
            if current != render_table(entries):
                print(f"{arguments.readme}: the results table differs from {results_path}; "
                      f"run python scripts/full_runs.py --readme-only")
                return 1
            print(f"{arguments.readme}: the results table matches {results_path}")
            return 0
        write_readme(arguments.readme, entries)
        return 0

    record = not arguments.fast or arguments.results is not None or arguments.record_fast
    if record and arguments.readme is not None:
        try:  # find a README without markers now, not after hours of runs
            table_in_readme(arguments.readme.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"{arguments.readme}: {error}", file=sys.stderr)
            return 2
    if arguments.fast and not record:
        print("quick runs (--fast) are not recorded in the committed results file; "
              "pass --results PATH (or --record-fast) to keep them")
    if not arguments.quiet:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        logging.getLogger("papermill").setLevel(logging.INFO)
    # papermill cannot read `FAST = runtime.env_flag("FAST")` as a literal and says so for every run
    logging.getLogger("papermill.translators").setLevel(logging.ERROR)
    for notebook in arguments.notebook_paths:
        if not arguments.fast and arguments.atari_steps is None and "ATARI_TOTAL_STEPS" in parameter_names(notebook):
            print(f"note: {notebook.stem} runs its own full Atari training (no --atari-steps): "
                  "over an hour on a CPU")
    arguments.runs_dir.mkdir(parents=True, exist_ok=True)
    new_entries, failures = [], []
    mode = "fast" if arguments.fast else "full"
    for notebook in arguments.notebook_paths:
        for seed in arguments.seeds:
            previous = None
            if arguments.resume:
                previous = next((entry for entry in load_entries(results_path)
                                 if entry_key(entry) == (notebook.stem, seed, mode)), None)
                if previous is None:
                    message = f"{notebook.stem}-seed{seed}-{mode}: --resume needs its recorded entry in {results_path}"
                    failures.append(message)
                    print(f"FAILED {message}", file=sys.stderr, flush=True)
                    continue
            try:
                entry = run_notebook(notebook, seed, arguments.fast, arguments.atari_steps, arguments.runs_dir,
                                     arguments.kernel, arguments.cell_timeout, log_output=not arguments.quiet,
                                     atari_minutes=arguments.atari_minutes, resume=previous)
            except RunFailed as error:
                failures.append(str(error))
                print(f"FAILED {error}", file=sys.stderr, flush=True)
                continue
            new_entries.append(entry)
            print(f"== {notebook.stem} seed {seed}: {format_duration(entry['wall_seconds'])} wall, "
                  f"{format_duration(entry['cpu_seconds'])} CPU; results {json.dumps(entry['results'])}", flush=True)
            if record:  # after every run, so that hours of runs are not lost to a later failure
                entries = merge_entries(load_entries(results_path), [entry])
                save_entries(results_path, entries)
                if arguments.readme is not None:
                    write_readme(arguments.readme, entries)
                if arguments.outputs is not None:
                    executed = ROOT / entry["executed_notebook"]  # relative to ROOT, or absolute
                    print(f"wrote {display_path(render_html(executed, arguments.outputs))}", flush=True)
    if failures:
        print(f"{len(failures)} run(s) failed and were not recorded:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
