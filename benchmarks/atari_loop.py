"""Benchmark: how fast the DQN data pipeline runs without the network.

Measures, with random actions on the wrapped Pong training environment
(`helpers.envs.make_atari_env`, 4-frame stacks):

1. environment steps per second alone;
2. environment + inserting every step into `AtariReplayBuffer` + sampling a batch of
   32 every 4 steps (the DQN update frequency), i.e. a DQN loop minus the network.

Both loops run on the same environment instance in interleaved blocks, and medians
are reported for wall-clock time and for this process's CPU time (the latter is
steadier when other programs share the cores). A DQN loop can be judged against these: whatever it loses
beyond (2) is the network's forward passes and training steps.

Run from the repository root:

    python benchmarks/atari_loop.py               # about a minute on a laptop CPU
    python benchmarks/atari_loop.py --game Breakout --steps 4000
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from helpers import envs, replay

BATCH_SIZE = 32
TRAIN_EVERY = 4


def run_block(env, buffer, num_steps, state):
    """num_steps random-action steps; with a buffer, insert each and sample every 4 steps.

    Returns (wall seconds, CPU seconds, wall seconds inside the buffer).
    """
    buffer_seconds = 0.0
    start = time.perf_counter()
    cpu_start = time.process_time()
    for _ in range(num_steps):
        action = int(env.action_space.sample())
        observation, reward, terminated, truncated, _ = env.step(action)
        if buffer is not None:
            inner = time.perf_counter()
            buffer.add(action, reward, observation[-1], terminated, truncated)
            state["steps"] += 1
            if state["steps"] % TRAIN_EVERY == 0 and len(buffer) >= BATCH_SIZE:
                buffer.sample(BATCH_SIZE)
            buffer_seconds += time.perf_counter() - inner
        if terminated or truncated:
            observation, _ = env.reset()
            if buffer is not None:
                inner = time.perf_counter()
                buffer.start_episode(observation[-1])
                buffer_seconds += time.perf_counter() - inner
    return time.perf_counter() - start, time.process_time() - cpu_start, buffer_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--game", default="Pong")
    parser.add_argument("--steps", type=int, default=2000, help="agent steps per timing block")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved blocks of each loop")
    parser.add_argument("--capacity", type=int, default=50_000, help="replay capacity")
    args = parser.parse_args()

    env = envs.make_atari_env(args.game, seed=0, training=True)
    buffer = replay.AtariReplayBuffer(args.capacity, seed=0)
    observation, _ = env.reset(seed=0)
    buffer.start_episode(observation[-1])
    state = {"steps": 0}
    run_block(env, buffer, 500, state)  # warm up, and fill the buffer a little

    results = {"alone": [], "alone_cpu": [], "replay": [], "replay_cpu": [], "share": []}
    for _ in range(args.repeats):
        # the env-alone block goes on with the same episodes; the buffer simply misses them,
        # so it starts a fresh episode afterwards (as after a reset)
        wall, cpu, _ = run_block(env, None, args.steps, state)
        results["alone"].append(args.steps / wall)
        results["alone_cpu"].append(args.steps / cpu)
        observation, _ = env.reset()
        buffer.start_episode(observation[-1])
        wall, cpu, inside = run_block(env, buffer, args.steps, state)
        results["replay"].append(args.steps / wall)
        results["replay_cpu"].append(args.steps / cpu)
        results["share"].append(inside / wall)

    median = {name: statistics.median(values) for name, values in results.items()}
    print(f"game {args.game}, observations {env.observation_space.shape} uint8, {args.steps} steps x "
          f"{args.repeats} interleaved blocks, medians; 1 agent step = 4 emulator frames")
    print(f"{'':40}{'steps/s (wall)':>16}{'steps/s (CPU)':>16}")
    print(f"{'env alone':40}{median['alone']:16.0f}{median['alone_cpu']:16.0f}")
    print(f"{'env + replay add + sample(32) every 4':40}{median['replay']:16.0f}{median['replay_cpu']:16.0f}")
    print(f"ratio with/without replay: {median['replay'] / median['alone']:.2f} (wall), "
          f"{median['replay_cpu'] / median['alone_cpu']:.2f} (CPU); time spent inside the buffer "
          f"{median['share']:.1%}; the buffer holds {len(buffer):,} transitions")
    env.close()

if __name__ == "__main__":
    main()
