"""Benchmark: memory and speed of the frame-once Atari replay buffer against a naive one.

The naive buffer stores the stacked observation and the stacked next observation of
every transition, as many libraries do. Both get the same transitions (random 84x84
frames, episodes of 500 steps) and are timed in the same run, blocks interleaved, so
the ratios are fair even when timings are noisy; medians are reported. Times are this
process's CPU time (user + system, page faults included), steadier than wall-clock
time when other programs share the cores.

Run from the repository root:

    python benchmarks/replay_buffer.py            # about a minute on a laptop CPU
    python benchmarks/replay_buffer.py --full     # also allocate capacity 1,000,000 (7.1 GB, lazily)

It also measures the buffer notebook 4's Atari run uses, `AtariVectorReplayBuffer` (8
games per add, 3-step returns): its bytes per transition and its storing and sampling
speed (not interleaved with the other two).
    python benchmarks/replay_buffer.py --no-train-step   # skip the Keras reference step
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from helpers import replay

FRAME_SHAPE = (84, 84)
STACK_SIZE = 4
BATCH_SIZE = 32
EPISODE_LENGTH = 500


class NaiveStackedBuffer:
    """Stores (stack, action, reward, next stack, terminated) whole: 2 x 4 x 7,056 bytes per transition."""

    def __init__(self, capacity):
        self.capacity = capacity
        shape = (capacity, STACK_SIZE, *FRAME_SHAPE)
        self.observations = np.zeros(shape, np.uint8)
        self.next_observations = np.zeros(shape, np.uint8)
        self.actions = np.zeros(capacity, np.int64)
        self.rewards = np.zeros(capacity, np.float32)
        self.terminated = np.zeros(capacity, np.float32)
        self.position = 0
        self.size = 0
        self.rng = np.random.default_rng(0)

    @property
    def nbytes(self):
        arrays = (self.observations, self.next_observations, self.actions, self.rewards, self.terminated)
        return sum(array.nbytes for array in arrays)

    def add(self, observation, action, reward, next_observation, terminated):
        slot = self.position
        self.observations[slot] = observation
        self.next_observations[slot] = next_observation
        self.actions[slot] = action
        self.rewards[slot] = reward
        self.terminated[slot] = terminated
        self.position = (slot + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size):
        indices = self.rng.integers(0, self.size, size=batch_size)
        return replay.Batch(
            self.observations[indices],
            self.actions[indices],
            self.rewards[indices],
            self.next_observations[indices],
            self.terminated[indices],
        )


def frame_pool(size=257, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (size, *FRAME_SHAPE), dtype=np.uint8)


def feed_frame_buffer(buffer, frames, num_steps, step_counter):
    """num_steps agent steps into the frame buffer; returns seconds per add()."""
    start = time.process_time()
    for _ in range(num_steps):
        step = step_counter[0]
        if step % EPISODE_LENGTH == 0:
            buffer.start_episode(frames[step % len(frames)])
        done = step % EPISODE_LENGTH == EPISODE_LENGTH - 1
        buffer.add(step % 6, 1.0, frames[(step + 1) % len(frames)], done, False)
        step_counter[0] += 1
    return (time.process_time() - start) / num_steps


def feed_naive_buffer(buffer, stacks, num_steps, step_counter):
    """The same steps into the naive buffer; the caller already has the stacks (as from FrameStack)."""
    start = time.process_time()
    for _ in range(num_steps):
        step = step_counter[0]
        done = step % EPISODE_LENGTH == EPISODE_LENGTH - 1
        buffer.add(stacks[step % len(stacks)], step % 6, 1.0, stacks[(step + 1) % len(stacks)], done)
        step_counter[0] += 1
    return (time.process_time() - start) / num_steps


def time_sampling(buffer, num_batches):
    start = time.process_time()
    for _ in range(num_batches):
        buffer.sample(BATCH_SIZE)
    return (time.process_time() - start) / num_batches


def keras_train_step_seconds(repeats=15):
    """Median time of one training step of the DQN Nature network on a batch of 32 (reference)."""
    from helpers import runtime

    runtime.quiet_tensorflow()
    import keras
    import tensorflow as tf

    model = keras.Sequential(
        [
            keras.Input((84, 84, STACK_SIZE)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(32, 8, strides=4, activation="relu"),
            keras.layers.Conv2D(64, 4, strides=2, activation="relu"),
            keras.layers.Conv2D(64, 3, strides=1, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(6),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss=keras.losses.Huber())
    inputs = np.random.default_rng(0).integers(0, 256, (BATCH_SIZE, 84, 84, STACK_SIZE)).astype(np.float32)
    targets = np.zeros((BATCH_SIZE, 6), np.float32)
    for _ in range(3):  # compile and warm up
        model.train_on_batch(inputs, targets)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.train_on_batch(inputs, targets)
        times.append(time.perf_counter() - start)
    return statistics.median(times), runtime.describe_device()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--capacity", type=int, default=10_000, help="capacity of both buffers in the speed test")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved timing blocks (medians are reported)")
    parser.add_argument("--full", action="store_true", help="allocate the frame buffer at capacity 1,000,000")
    parser.add_argument("--no-train-step", action="store_true", help="skip timing a Keras training step")
    args = parser.parse_args()

    # ---------------------------------------------------------------- memory
    big = 1_000_000
    print("== memory, bytes per transition ==")
    needed = replay.AtariReplayBuffer.bytes_needed(big)
    measured_capacity = big if args.full else 100_000
    buffer = replay.AtariReplayBuffer(measured_capacity, seed=0)
    how = "allocated" if args.full else f"allocated at capacity {measured_capacity:,}, scaled to {big:,}"
    per_transition = buffer.nbytes / measured_capacity
    print(f"frame buffer : {per_transition:,.1f} B/transition ({how}); "
          f"{per_transition * big / 1e9:.2f} GB at {big:,}; bytes_needed({big:,}) = {needed:,}")
    del buffer
    naive_small = NaiveStackedBuffer(1_000)
    naive_per_transition = naive_small.nbytes / 1_000
    print(f"naive buffer : {naive_per_transition:,.1f} B/transition (allocated at capacity 1,000, scaled); "
          f"{naive_per_transition * big / 1e9:.2f} GB at {big:,}")
    print(f"ratio        : naive / frame = {naive_per_transition / per_transition:.1f}x")
    del naive_small
    vector = replay.AtariVectorReplayBuffer(measured_capacity, 8, n_step=3, check_memory=not args.full, verbose=False)
    vector_per_transition = vector.nbytes / vector.capacity
    print(f"vector buffer: {vector_per_transition:,.1f} B/transition (8 games, 3-step returns, {how}); "
          f"{vector_per_transition * big / 1e9:.2f} GB at {big:,}; "
          f"bytes_needed({big:,}) = {replay.AtariVectorReplayBuffer.bytes_needed(big):,}")
    del vector

    # ----------------------------------------------------------------- speed
    capacity = args.capacity
    print(f"\n== speed (CPU time), both buffers at capacity {capacity:,}, batch {BATCH_SIZE}, "
          f"median of {args.repeats} interleaved blocks ==")
    frames = frame_pool()
    stacks = np.stack([frames[np.arange(index - STACK_SIZE + 1, index + 1) % len(frames)] for index in range(len(frames))])
    frame_buffer = replay.AtariReplayBuffer(capacity, seed=0, verbose=False)
    naive = NaiveStackedBuffer(capacity)
    frame_steps, naive_steps = [0], [0]
    feed_frame_buffer(frame_buffer, frames, capacity, frame_steps)  # fill once (touches all pages)
    feed_naive_buffer(naive, stacks, capacity, naive_steps)
    block = max(1000, capacity // 5)
    add_frame, add_naive, sample_frame, sample_naive = [], [], [], []
    for _ in range(args.repeats):
        add_frame.append(feed_frame_buffer(frame_buffer, frames, block, frame_steps))
        add_naive.append(feed_naive_buffer(naive, stacks, block, naive_steps))
        sample_frame.append(time_sampling(frame_buffer, 300))
        sample_naive.append(time_sampling(naive, 300))
    median = statistics.median
    print(f"{'':14}{'add/s':>12}{'us/add':>10}{'batches/s':>12}{'us/batch':>10}")
    for name, adds, samples in (("frame buffer", add_frame, sample_frame), ("naive buffer", add_naive, sample_naive)):
        print(f"{name:14}{1 / median(adds):12,.0f}{median(adds) * 1e6:10.1f}"
              f"{1 / median(samples):12,.0f}{median(samples) * 1e6:10.1f}")
    print(f"frame/naive time: add {median(add_frame) / median(add_naive):.2f}x, "
          f"sample {median(sample_frame) / median(sample_naive):.2f}x")
    vector = replay.AtariVectorReplayBuffer(capacity, 8, n_step=3, seed=0, verbose=False)
    rng = np.random.default_rng(0)
    steps = [0]

    def feed_vector(num_steps):  # one add per step of 8 games: num_steps // 8 adds
        start = time.process_time()
        for _ in range(num_steps // 8):
            index = steps[0]
            ended = np.full(8, index % EPISODE_LENGTH == EPISODE_LENGTH - 1)
            vector.add(stacks[(index + np.arange(8)) % len(stacks)], rng.integers(0, 6, 8), np.ones(8), ended,
                       np.zeros(8, bool))
            steps[0] += 1
        return (time.process_time() - start) / (num_steps // 8 * 8)

    feed_vector(capacity)
    add_vector = [feed_vector(block) for _ in range(args.repeats)]
    sample_vector = [time_sampling(vector, 300) for _ in range(args.repeats)]
    print(f"vector buffer (8 games, 3-step returns): {1 / median(add_vector):,.0f} transitions/s stored "
          f"({median(add_vector) * 1e6:.1f} us each), {1 / median(sample_vector):,.0f} batches/s "
          f"({median(sample_vector) * 1e6:.1f} us each)")

    if not args.no_train_step:
        step_seconds, device = keras_train_step_seconds()
        print(f"\nreference: one Keras training step of the Nature DQN network, batch {BATCH_SIZE}: "
              f"{step_seconds * 1e3:.1f} ms wall-clock ({device}); sampling a batch from the frame buffer is "
              f"{step_seconds / median(sample_frame):.0f}x cheaper")


if __name__ == "__main__":
    main()
