"""Speed of notebook 4's DQN training loop on Atari, and where its time goes.

    python benchmarks/dqn_loop.py                 # Pong, 3 runs of 2,000 agent steps
    python benchmarks/dqn_loop.py --game Breakout --steps 5000 --repeats 1

Runs the notebook's own training code (the cells of notebooks/04_atari_dqn.ipynb
tagged `dqn`) with the Atari hyperparameters, except that learning starts after a few
hundred steps and epsilon decays quickly, so that most of the measured steps are
steady-state training steps (mostly greedy acting, one gradient step every 4 steps).
The loop's own Stopwatch splits the time into environment, acting (epsilon-greedy with
the compiled network), replay (storing and sampling) and training (the compiled DQN
update); "overhead" is the rest of the wall time (Python loop, logging, target syncs,
tracing outside the timed parts). Reports the median over the runs.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time
import types

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "04_atari_dqn.ipynb"
PARTS = ("environment", "acting", "replay", "training")


def load_notebook_dqn(checkpoint_dir: str) -> dict:
    """Execute the notebook's parameters, set-up and `dqn` cells; return their namespace."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    sources = [code_cells[0].source, f"CHECKPOINT_DIR = {checkpoint_dir!r}", code_cells[1].source]
    sources += [cell.source for cell in code_cells if "dqn" in cell.metadata.get("tags", [])]
    # a real file, so that tf.function/AutoGraph can read the source of the functions
    source_file = pathlib.Path(checkpoint_dir) / "notebook_dqn.py"
    source_file.write_text("\n\n".join(sources) + "\n", encoding="utf-8")
    module = types.ModuleType("notebook_dqn")  # registered, so that dataclasses can find it
    module.__file__ = str(source_file)
    sys.modules[module.__name__] = module
    exec(compile(source_file.read_text(encoding="utf-8"), str(source_file), "exec"), module.__dict__)
    return module.__dict__


def run_once(namespace, game: str, steps: int, seed: int) -> dict:
    config = namespace["DQNConfig"](
        total_steps=steps,
        buffer_size=max(steps, 10_000),
        learning_starts=min(250, steps // 4),
        epsilon_decay_steps=min(500, steps // 2),
        target_update_interval=1_000,
        log_interval=max(steps // 20, 1),
        checkpoint_interval=10**9,
        seed=seed,
    )
    runtime, envs, replay, keras = (namespace[name] for name in ("runtime", "envs", "replay", "keras"))
    runtime.set_seed(seed)
    env = envs.make_atari_env(game, seed=seed, training=True)
    shape, num_actions = env.observation_space.shape, env.action_space.n
    q_network = namespace["build_q_network"](shape, num_actions, config.hidden_units)
    target_network = namespace["build_q_network"](shape, num_actions, config.hidden_units)
    optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
    buffer = replay.AtariReplayBuffer(config.buffer_size, seed=seed, verbose=False)
    start = time.perf_counter()
    log, _ = namespace["train_dqn"](env, q_network, target_network, optimizer, buffer, config, progress=False)
    wall = time.perf_counter() - start
    seconds = dict(log["seconds"])
    seconds["overhead"] = wall - sum(seconds.get(part, 0.0) for part in PARTS)
    learning_rows = [speed for step, speed in zip(log["step"], log["steps_per_second"])
                     if step > config.learning_starts + config.log_interval]
    return {
        "wall": wall,
        "steps_per_second": steps / wall,
        "training_steps_per_second": statistics.median(learning_rows),
        "fractions": {part: seconds.get(part, 0.0) / wall for part in (*PARTS, "overhead")},
        "per_step_ms": {part: 1000 * seconds.get(part, 0.0) / steps for part in (*PARTS, "overhead")},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--game", default="Pong")
    parser.add_argument("--steps", type=int, default=2_000, help="agent steps per run (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs; the median is reported (default 3)")
    args = parser.parse_args(argv)
    if args.steps < 400 or args.repeats < 1:
        parser.error("--steps must be >= 400 and --repeats >= 1")
    os.environ["FAST"] = "1"
    with tempfile.TemporaryDirectory(prefix="dqn-benchmark-") as directory:
        namespace = load_notebook_dqn(directory)
        print(f"DQN loop on {args.game}: {args.repeats} run(s) of {args.steps:,} agent steps, "
              f"batch 32, one train step every 4 agent steps, Nature ConvNet")
        print(f"machine: {namespace['runtime'].describe_device()}, load average {os.getloadavg()[0]:.1f}")
        results = []
        for repeat in range(args.repeats):
            result = run_once(namespace, args.game, args.steps, seed=repeat)
            results.append(result)
            print(f"  run {repeat + 1}: {result['steps_per_second']:.1f} steps/s overall, "
                  f"{result['training_steps_per_second']:.1f} steps/s while learning, "
                  + ", ".join(f"{part} {fraction:.1%}" for part, fraction in result["fractions"].items()))
    median = statistics.median
    print(f"median steps/s overall (incl. warm-up, tracing): {median(r['steps_per_second'] for r in results):.1f}")
    print(f"median steps/s while learning: {median(r['training_steps_per_second'] for r in results):.1f}")
    print(f"{'part':12s} {'share':>7s} {'ms/step':>8s}")
    for part in (*PARTS, "overhead"):
        share = median(r["fractions"][part] for r in results)
        per_step = median(r["per_step_ms"][part] for r in results)
        print(f"{part:12s} {share:7.1%} {per_step:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
