"""Notebook 4's full-run CartPole training on several seeds: how often it is solved.

    python benchmarks/cartpole_seeds.py --seeds 0 1 2 3
    python benchmarks/cartpole_seeds.py --seeds 14 --set learning_rate=5e-4
    python benchmarks/cartpole_seeds.py --seeds 0 1 2 --fast

Runs the notebook's own cells (notebooks/04_atari_dqn.ipynb: the `dqn` cells, then the
CartPole configuration, training, evaluation and check cells, ids below) in full mode for
each seed, with each `--set name=value` applied to `cartpole_config`, and prints one line
per seed: the agent steps trained (training stops once 10 greedy check episodes average
490), the mean of the 20 evaluation episodes the notebook reports, and whether the
notebook's check cell passes (full run: >= 475). `--fast` runs the quick mode instead
(FAST=1: 6,000 steps, 5 evaluation episodes, the quick mode's check).
`--output FILE` appends one JSON line per seed.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import tempfile
import time

import nbformat

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from dqn_config_probe import parse_setting  # noqa: E402
from dqn_loop import NOTEBOOK, load_notebook_dqn  # noqa: E402

CONFIG_CELL, TRAINING_CELL, EVALUATION_CELL, CHECK_CELL = (
    "46c342cb", "7c0d8054", "520cef9f", "0d7a1802")


def run_seed(notebook_text: str, seed: int, settings: list[tuple[str, object]],
             fast: bool = False) -> dict:
    sources = {cell.get("id"): cell.source
               for cell in nbformat.reads(notebook_text, as_version=4).cells}
    namespace = load_notebook_dqn(tempfile.mkdtemp(prefix="cartpole-seeds-"), notebook_text)
    namespace.update(SEED=seed, FAST=fast)
    started = time.time()
    exec(sources[CONFIG_CELL], namespace)
    namespace["cartpole_config"] = namespace["dataclasses"].replace(
        namespace["cartpole_config"], **dict(settings))
    exec(sources[TRAINING_CELL], namespace)
    exec(sources[EVALUATION_CELL], namespace)
    try:
        exec(sources[CHECK_CELL], namespace)
        failure = None
    except AssertionError as error:
        failure = str(error)
    return {"seed": seed, "changed": dict(settings), "fast": fast,
            "steps": int(namespace["cartpole_log"]["step"][-1]),
            "eval_return": float(namespace["cartpole_eval_return"]),
            "passes": failure is None, "failure": failure,
            "minutes": round((time.time() - started) / 60, 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--set", dest="settings", type=parse_setting, action="append",
                        default=[], metavar="NAME=VALUE", help="a DQNConfig field to change")
    parser.add_argument("--fast", action="store_true", help="the quick mode (FAST=1)")
    parser.add_argument("--output", type=pathlib.Path, help="append a JSON line per seed here")
    args = parser.parse_args(argv)
    notebook_text = NOTEBOOK.read_text(encoding="utf-8")
    results = []
    for seed in args.seeds:
        result = run_seed(notebook_text, seed, args.settings, args.fast)
        results.append(result)
        verdict = "passes the check" if result["passes"] else f"FAILS: {result['failure']}"
        print(f"seed {seed}: {result['steps']:,} steps, evaluation {result['eval_return']:.1f}"
              f" ({verdict}), {result['minutes']:.1f} min", flush=True)
        if args.output:
            with args.output.open("a", encoding="utf-8") as file:
                file.write(json.dumps(result) + "\n")
    passed = sum(result["passes"] for result in results)
    print(f"{passed} of {len(results)} seeds pass", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
