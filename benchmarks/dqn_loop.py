"""Speed of notebook 4's Atari DQN loop, old against new, where the time goes, and XLA.

    python benchmarks/dqn_loop.py                    # Pong: the notebook now against the one-game loop of 4ff356c
    python benchmarks/dqn_loop.py --repeats 5 --steps 3000
    python benchmarks/dqn_loop.py --baseline none    # the current loop alone

Runs the notebook's own training code (the cells of notebooks/04_atari_dqn.ipynb tagged
`dqn`), in this one process, alternating between

- **old**: the notebook at git revision `--baseline` (default 4ff356c, the last one with
  one game at a time): `train_dqn` on `make_atari_env`, the Nature ConvNet, a one-step
  frame replay buffer, one gradient step of 32 every 4 agent steps;
- **new**: the current notebook's `train_dqn_vector` on 8 games of
  `make_atari_vector_env`, one batched forward pass to act for all 8, the network of
  `DQNConfig.network` (the Nature ConvNet), 3-step double-DQN targets, one gradient step
  of 32 every 8 agent steps, in float32 (DQNConfig's default `precision`; the notebook's
  full run computes in mixed bfloat16 on CPUs with bfloat16 instructions, whose gradient
  step `benchmarks/train_step_precision.py` times),

each with its own Atari defaults, except that learning starts after a few hundred steps
and epsilon decays quickly, so that most measured steps are steady-state training
steps. The parts of each loop are timed by wrapping what it calls: environment
(`env.step`/`reset`), acting (`epsilon_greedy`, with the compiled network), replay
(storing and sampling) and training (the compiled DQN update); "overhead" is the rest
of the wall time (the Python loop, logging, target syncs, tracing). Agent steps per
second and gradient steps per second are medians over the runs, measured on the log
rows after learning started.

Then, in the same process: the act step (a batch of 8 observations) and the train step
(a batch of 32) of the current network alone, with and without XLA
(`jit_compile=True`), and the train step's floating-point operations per second
against a large float32 matmul's. On two CPU cores XLA made the act step a little
faster and the train step slower, which is why the notebook compiles only the act step
with XLA (`XLA_ACT = True`, `XLA_TRAIN = False`); on a GPU it may help both (not
measured). The train step's operations are counted from the network's layers: a
forward pass of the online network and of the target network (and of the online
network on the next states for double DQN), and a backward pass taken as twice a
forward pass.
"""

from __future__ import annotations

import argparse
import functools
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
DEFAULT_BASELINE = "4ff356c"


def load_notebook_dqn(checkpoint_dir: str, notebook_text: str | None = None, name: str = "notebook_dqn") -> dict:
    """Execute the notebook's parameters, set-up and `dqn` cells; return their namespace."""
    if notebook_text is None:
        notebook = nbformat.read(NOTEBOOK, as_version=4)
    else:
        notebook = nbformat.reads(notebook_text, as_version=4)
    # the code cells after the set-up cell (it installs the course on hosted runtimes only)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.id != "colab_setup"]
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


class PartTimer:
    """Adds up the wall time spent in wrapped callables, by part."""

    def __init__(self):
        self.seconds = dict.fromkeys(PARTS, 0.0)

    def wrap(self, part, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[part] += time.perf_counter() - start

        return timed


def run_once(namespace, game: str, steps: int, seed: int) -> dict:
    """One short training run of the loop in `namespace`; its speed and the time of each part."""
    runtime, envs, replay, keras = (namespace[name] for name in ("runtime", "envs", "replay", "keras"))
    vector = "train_dqn_vector" in namespace
    config = namespace["DQNConfig"]()
    step_size = config.num_envs if vector else 1
    config = namespace["dataclasses"].replace(
        config, total_steps=steps, buffer_size=max(steps, 10_000), learning_starts=min(400, steps // 4),
        epsilon_decay_steps=min(800, steps // 2), target_update_interval=1_000 // step_size * step_size,
        log_interval=max(steps // 20 // step_size * step_size, step_size), checkpoint_interval=10**9, seed=seed)
    runtime.set_seed(seed)
    timer = PartTimer()
    originals = {name: namespace[name] for name in ("epsilon_greedy", "make_train_step")}
    namespace["epsilon_greedy"] = timer.wrap("acting", originals["epsilon_greedy"])
    make_train_step = originals["make_train_step"]

    def timed_train_step(*args, **kwargs):
        return timer.wrap("training", make_train_step(*args, **kwargs))

    namespace["make_train_step"] = functools.wraps(make_train_step)(timed_train_step)
    try:
        if vector:
            env = envs.make_atari_vector_env(game, config.num_envs)
            shape, num_actions = (4, 84, 84), env.single_action_space.n
            buffer = replay.AtariVectorReplayBuffer(config.buffer_size, config.num_envs, n_step=config.n_step,
                                                    gamma=config.gamma, seed=seed, verbose=False)
            build = functools.partial(namespace["build_q_network"], conv=config.network)
        else:
            env = envs.make_atari_env(game, seed=seed, training=True)
            shape, num_actions = env.observation_space.shape, env.action_space.n
            buffer = replay.AtariReplayBuffer(config.buffer_size, seed=seed, verbose=False)
            buffer.start_episode = timer.wrap("replay", buffer.start_episode)
            build = namespace["build_q_network"]
        env.step = timer.wrap("environment", env.step)
        env.reset = timer.wrap("environment", env.reset)
        buffer.add = timer.wrap("replay", buffer.add)
        buffer.sample = timer.wrap("replay", buffer.sample)
        q_network = build(shape, num_actions, config.hidden_units)
        target_network = build(shape, num_actions, config.hidden_units)
        optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
        start = time.perf_counter()
        if vector:
            log, _ = namespace["train_dqn_vector"](env, q_network, target_network, optimizer, buffer, config,
                                                   progress=False)
        else:
            log, _ = namespace["train_dqn"](env, q_network, target_network, optimizer, buffer, config,
                                            progress=False, verbose=False)
        wall = time.perf_counter() - start
    finally:
        namespace.update(originals)
    seconds = dict(timer.seconds)
    seconds["overhead"] = wall - sum(seconds.values())
    learning_rows = [speed for step, speed in zip(log["step"], log["steps_per_second"])
                     if step > config.learning_starts + config.log_interval]
    steps_per_second = statistics.median(learning_rows)
    return {
        "wall": wall,
        "steps_per_second": steps_per_second,
        "gradient_steps_per_second": steps_per_second / config.train_frequency,
        "fractions": {part: part_seconds / wall for part, part_seconds in seconds.items()},
        "per_step_ms": {part: 1000 * part_seconds / steps for part, part_seconds in seconds.items()},
        "description": (f"{config.num_envs if vector else 1} game(s), {config.network if vector else 'nature'} "
                        f"ConvNet, one gradient step of {config.batch_size} per {config.train_frequency} agent steps"),
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
    env = envs.make_atari_vector_env(game, 1)
    shape, num_actions = (4, 84, 84), int(env.single_action_space.n)
    env.close()
    config = namespace["DQNConfig"]()
    q_network = namespace["build_q_network"](shape, num_actions, config.hidden_units, conv=config.network)
    target_network = namespace["build_q_network"](shape, num_actions, config.hidden_units, conv=config.network)
    rng = np.random.default_rng(0)
    batch = (
        rng.integers(0, 256, (config.batch_size, *shape), dtype=np.uint8),
        rng.integers(0, num_actions, config.batch_size),
        rng.random(config.batch_size, dtype=np.float32),
        rng.integers(0, 256, (config.batch_size, *shape), dtype=np.uint8),
        np.zeros(config.batch_size, np.float32),
        np.full(config.batch_size, config.gamma**config.n_step, np.float32),
    )
    observation = batch[0][: config.num_envs]  # acting: one batch for all games
    functions = {}
    for xla in (False, True):
        optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
        train_step = namespace["make_train_step"](q_network, target_network, optimizer, config.gamma, config.double_dqn)
        functions[("act", xla)] = tf.function(lambda batch: q_network(batch, training=False), jit_compile=xla)
        functions[("train", xla)] = tf.function(train_step.python_function, jit_compile=xla)
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
    print(f"act step (a batch of {len(observation)}) and train step (a batch of {config.batch_size}) alone, "
          f"median of {repeats} interleaved blocks:")
    for kind in ("act", "train"):
        plain, xla = median[(kind, False)], median[(kind, True)]
        print(f"  {kind:5s} step: {1000 * plain:7.2f} ms plain tf.function, {1000 * xla:7.2f} ms with XLA "
              f"(XLA {plain / xla:.2f}x as fast)")
    passes = 5 if config.double_dqn else 4  # target fwd (+ online fwd on s') + online fwd + backward (2x fwd)
    train_flops = config.batch_size * passes * forward_flops(q_network)
    matmul_flops = 2 * size**3
    best_train = min(median[("train", False)], median[("train", True)])
    train_rate, matmul_rate = train_flops / best_train, matmul_flops / median["matmul"]
    print(f"train step: about {train_flops / 1e9:.2f} GFLOP per batch of {config.batch_size} "
          f"({forward_flops(q_network) / 1e6:.1f} MFLOP per forward pass of one observation)")
    print(f"achieved: train step {train_rate / 1e9:.1f} GFLOP/s, {size}x{size} float32 matmul "
          f"{matmul_rate / 1e9:.1f} GFLOP/s: the train step reaches {train_rate / matmul_rate:.0%} of the matmul's rate")


def print_loop_results(label: str, results: list) -> None:
    median = statistics.median
    print(f"{label} ({results[0]['description']}):")
    print(f"  agent steps/s {median(r['steps_per_second'] for r in results):.1f}, gradient steps/s "
          f"{median(r['gradient_steps_per_second'] for r in results):.1f} (medians while learning)")
    print(f"  {'part':12s} {'share':>7s} {'ms/agent step':>14s}")
    for part in (*PARTS, "overhead"):
        share = median(r["fractions"][part] for r in results)
        per_step = median(r["per_step_ms"][part] for r in results)
        print(f"  {part:12s} {share:7.1%} {per_step:14.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--game", default="Pong")
    parser.add_argument("--steps", type=int, default=2_000, help="agent steps per run of the old loop (default 2000)")
    parser.add_argument("--new-steps", type=int, default=None, help="agent steps per run of the new loop "
                        "(default: 4x --steps, about the same wall time)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per loop; medians are reported (default 3)")
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, metavar="REV",
                        help=f"git revision of the old loop (default {DEFAULT_BASELINE}); 'none': the new loop alone")
    parser.add_argument("--no-steps", action="store_true", help="skip the act/train step and FLOP/s measurements")
    args = parser.parse_args(argv)
    new_steps = args.new_steps or 4 * args.steps
    if args.steps < 400 or new_steps < 1_600 or args.repeats < 1:
        parser.error("--steps must be >= 400, --new-steps >= 1600 and --repeats >= 1")
    os.environ["FAST"] = "1"
    with tempfile.TemporaryDirectory(prefix="dqn-benchmark-") as directory:
        versions = {"new": (load_notebook_dqn(directory), new_steps)}
        if args.baseline != "none":
            text = subprocess.run(["git", "show", f"{args.baseline}:notebooks/04_atari_dqn.ipynb"], cwd=ROOT,
                                  check=True, capture_output=True, text=True).stdout
            versions = {f"old ({args.baseline})": (load_notebook_dqn(directory, text, "notebook_dqn_old"), args.steps),
                        **versions}
        namespace = versions["new"][0]
        print(f"DQN loop on {args.game}: {args.repeats} run(s) per loop, interleaved")
        print(f"machine: {namespace['runtime'].describe_device()}, load average {os.getloadavg()[0]:.1f}")
        results = {label: [] for label in versions}
        for repeat in range(args.repeats):
            for label, (version, steps) in versions.items():
                result = run_once(version, args.game, steps, seed=repeat)
                results[label].append(result)
                print(f"  run {repeat + 1} {label}: {steps:,} agent steps in {result['wall']:.0f} s, "
                      f"{result['steps_per_second']:.1f} agent steps/s while learning, "
                      + ", ".join(f"{part} {fraction:.1%}" for part, fraction in result["fractions"].items()))
        for label in versions:
            print_loop_results(label, results[label])
        if len(versions) == 2:
            old = next(label for label in versions if label != "new")
            ratios = [new["steps_per_second"] / previous["steps_per_second"]
                      for new, previous in zip(results["new"], results[old])]
            gradient = [new["gradient_steps_per_second"] / previous["gradient_steps_per_second"]
                        for new, previous in zip(results["new"], results[old])]
            print(f"new / old, median of the paired runs: {statistics.median(ratios):.2f}x the agent steps/s, "
                  f"{statistics.median(gradient):.2f}x the gradient steps/s")
        if not args.no_steps:
            step_benchmarks(namespace, args.game, repeats=max(3, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
