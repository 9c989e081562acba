"""Speed of notebook 4's DQN training loop on Atari, where its time goes, and how close
its train step comes to the machine's limit.

    python benchmarks/dqn_loop.py                          # Pong, 3 runs of 2,000 agent steps
    python benchmarks/dqn_loop.py --baseline 68e0cd3       # also the notebook at that commit, interleaved
    python benchmarks/dqn_loop.py --game Breakout --steps 5000 --repeats 1

Runs the notebook's own training code (the cells of notebooks/04_atari_dqn.ipynb
tagged `dqn`) with the Atari hyperparameters, except that learning starts after a few
hundred steps and epsilon decays quickly, so that most of the measured steps are
steady-state training steps (mostly greedy acting, one gradient step every 4 steps).
The loop's own Stopwatch splits the time into environment, acting (epsilon-greedy with
the compiled network), replay (storing and sampling) and training (the compiled DQN
update); "overhead" is the rest of the wall time (Python loop, logging, target syncs,
tracing outside the timed parts). Reports the median over the runs.

With --baseline REV the notebook as it was at git revision REV is loaded too (from
`git show REV:notebooks/04_atari_dqn.ipynb`) and its loop runs alternately with the
current one in this same process, so both see the same machine load.

Then, in the same process: the act step (a batch of one) and the train step (a batch
of 32) alone, with and without XLA (`jit_compile=True`), and the train step's
floating-point operations per second against a large float32 matmul's. The train
step's operations are counted from the network's layers: a forward pass of the
online network and of the target network, and a backward pass of the online network
taken as twice its forward pass (approximate: the first layer needs no gradient with
respect to its input).
"""

from __future__ import annotations

import argparse
import inspect
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import types

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "04_atari_dqn.ipynb"
PARTS = ("environment", "acting", "replay", "training")


def load_notebook_dqn(checkpoint_dir: str, notebook_text: str | None = None, name: str = "notebook_dqn") -> dict:
    """Execute the notebook's parameters, set-up and `dqn` cells; return their namespace."""
    if notebook_text is None:
        notebook = nbformat.read(NOTEBOOK, as_version=4)
    else:
        notebook = nbformat.reads(notebook_text, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    sources = [code_cells[0].source, f"CHECKPOINT_DIR = {checkpoint_dir!r}", code_cells[1].source]
    sources += [cell.source for cell in code_cells if "dqn" in cell.metadata.get("tags", [])]
    # a real file, so that tf.function/AutoGraph can read the source of the functions
    source_file = pathlib.Path(checkpoint_dir) / f"{name}.py"
    source_file.write_text("\n\n".join(sources) + "\n", encoding="utf-8")
    module = types.ModuleType(name)  # registered, so that dataclasses can find it
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
    train_dqn = namespace["train_dqn"]
    quiet = {"verbose": False} if "verbose" in inspect.signature(train_dqn).parameters else {}
    start = time.perf_counter()
    log, _ = train_dqn(env, q_network, target_network, optimizer, buffer, config, progress=False, **quiet)
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


def forward_flops(model) -> int:
    """Floating-point operations (2 per multiply-add) of one sample's forward pass, Conv2D and Dense only."""
    import keras

    flops = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, height, width, filters = layer.output.shape
            kernel_height, kernel_width, channels, _ = layer.kernel.shape
            flops += 2 * height * width * filters * kernel_height * kernel_width * channels
        elif isinstance(layer, keras.layers.Dense):
            inputs, units = layer.kernel.shape
            flops += 2 * inputs * units
    return int(flops)


def median_seconds(function, calls: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def step_benchmarks(namespace, game: str, repeats: int) -> None:
    """Act and train steps alone, with and without XLA; the train step's FLOP/s against a matmul's."""
    import numpy as np
    import tensorflow as tf

    envs, keras = namespace["envs"], namespace["keras"]
    env = envs.make_atari_env(game, seed=0, training=True)
    shape, num_actions = env.observation_space.shape, int(env.action_space.n)
    env.close()
    config = namespace["DQNConfig"]()
    q_network = namespace["build_q_network"](shape, num_actions, config.hidden_units)
    target_network = namespace["build_q_network"](shape, num_actions, config.hidden_units)
    rng = np.random.default_rng(0)
    batch = (
        rng.integers(0, 256, (config.batch_size, *shape), dtype=np.uint8),
        rng.integers(0, num_actions, config.batch_size),
        rng.random(config.batch_size, dtype=np.float32),
        rng.integers(0, 256, (config.batch_size, *shape), dtype=np.uint8),
        np.zeros(config.batch_size, np.float32),
    )
    observation = batch[0][:1]
    functions = {}
    for xla in (False, True):
        namespace["XLA_ACT"] = namespace["XLA_TRAIN"] = xla  # read when the functions are made
        optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
        functions[("act", xla)] = namespace["make_q_function"](q_network)
        functions[("train", xla)] = namespace["make_train_step"](q_network, target_network, optimizer, config.gamma)
    namespace["XLA_ACT"], namespace["XLA_TRAIN"] = True, False
    for (kind, _), function in functions.items():  # trace and compile
        function(observation) if kind == "act" else function(*batch)
    size = 2048
    left, right = tf.random.normal((size, size)), tf.random.normal((size, size))
    matmul = tf.function(lambda a, b: tf.matmul(a, b))
    matmul(left, right).numpy()
    results = {key: [] for key in functions}
    results["matmul"] = []
    for _ in range(repeats):  # interleaved, so that all see the same machine load
        for (kind, xla), function in functions.items():
            if kind == "act":
                results[(kind, xla)].append(median_seconds(lambda: function(observation).numpy(), 100, 1))
            else:
                results[(kind, xla)].append(median_seconds(lambda: function(*batch).numpy(), 10, 1))
        results["matmul"].append(median_seconds(lambda: matmul(left, right).numpy(), 5, 1))
    median = {key: statistics.median(values) for key, values in results.items()}
    print(f"act and train steps alone, median of {repeats} interleaved blocks:")
    for kind in ("act", "train"):
        plain, xla = median[(kind, False)], median[(kind, True)]
        print(f"  {kind:5s} step: {1000 * plain:7.2f} ms plain tf.function, {1000 * xla:7.2f} ms with XLA "
              f"(XLA {plain / xla:.2f}x as fast)")
    train_flops = config.batch_size * 4 * forward_flops(q_network)  # target fwd + online fwd + backward (2x fwd)
    matmul_flops = 2 * size**3
    best_train = min(median[("train", False)], median[("train", True)])
    train_rate, matmul_rate = train_flops / best_train, matmul_flops / median["matmul"]
    print(f"train step: about {train_flops / 1e9:.2f} GFLOP per batch of {config.batch_size} "
          f"({forward_flops(q_network) / 1e6:.1f} MFLOP per forward pass of one observation)")
    print(f"achieved: train step {train_rate / 1e9:.1f} GFLOP/s, {size}x{size} float32 matmul "
          f"{matmul_rate / 1e9:.1f} GFLOP/s: the train step reaches {train_rate / matmul_rate:.0%} of the matmul's rate")


def print_loop_results(label: str, results: list) -> None:
    median = statistics.median
    print(f"{label}: median steps/s overall (incl. warm-up, tracing) "
          f"{median(r['steps_per_second'] for r in results):.1f}, while learning "
          f"{median(r['training_steps_per_second'] for r in results):.1f}")
    print(f"  {'part':12s} {'share':>7s} {'ms/step':>8s}")
    for part in (*PARTS, "overhead"):
        share = median(r["fractions"][part] for r in results)
        per_step = median(r["per_step_ms"][part] for r in results)
        print(f"  {part:12s} {share:7.1%} {per_step:8.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--game", default="Pong")
    parser.add_argument("--steps", type=int, default=2_000, help="agent steps per run (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs; the median is reported (default 3)")
    parser.add_argument("--baseline", metavar="REV", help="also time the notebook at this git revision")
    parser.add_argument("--no-steps", action="store_true", help="skip the act/train step and FLOP/s measurements")
    args = parser.parse_args(argv)
    if args.steps < 400 or args.repeats < 1:
        parser.error("--steps must be >= 400 and --repeats >= 1")
    os.environ["FAST"] = "1"
    with tempfile.TemporaryDirectory(prefix="dqn-benchmark-") as directory:
        versions = {"current": load_notebook_dqn(directory)}
        if args.baseline:
            text = subprocess.run(["git", "show", f"{args.baseline}:notebooks/04_atari_dqn.ipynb"], cwd=ROOT,
                                  check=True, capture_output=True, text=True).stdout
            versions[f"baseline {args.baseline}"] = load_notebook_dqn(directory, text, "notebook_dqn_baseline")
        namespace = versions["current"]
        print(f"DQN loop on {args.game}: {args.repeats} run(s) of {args.steps:,} agent steps per version, "
              f"batch 32, one train step every 4 agent steps, Nature ConvNet")
        print(f"machine: {namespace['runtime'].describe_device()}, load average {os.getloadavg()[0]:.1f}")
        results = {label: [] for label in versions}
        for repeat in range(args.repeats):
            for label, version in versions.items():
                result = run_once(version, args.game, args.steps, seed=repeat)
                results[label].append(result)
                print(f"  run {repeat + 1} {label}: {result['steps_per_second']:.1f} steps/s overall, "
                      f"{result['training_steps_per_second']:.1f} steps/s while learning, "
                      + ", ".join(f"{part} {fraction:.1%}" for part, fraction in result["fractions"].items()))
        for label in versions:
            print_loop_results(label, results[label])
        if args.baseline:
            baseline = f"baseline {args.baseline}"
            ratios = [new["steps_per_second"] / old["steps_per_second"]
                      for new, old in zip(results["current"], results[baseline])]
            learning = [new["training_steps_per_second"] / old["training_steps_per_second"]
                        for new, old in zip(results["current"], results[baseline])]
            print(f"current / baseline, median of the paired runs: {statistics.median(ratios):.2f}x overall, "
                  f"{statistics.median(learning):.2f}x while learning")
        if not args.no_steps:
            step_benchmarks(namespace, args.game, repeats=max(3, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
