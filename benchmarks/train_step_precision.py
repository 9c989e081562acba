"""Time of one DQN gradient step on notebook 4's ConvNet in float32 and in mixed bfloat16.

    python benchmarks/train_step_precision.py              # 3 rounds, 50 steps each, per precision
    python benchmarks/train_step_precision.py --rounds 5
    python benchmarks/train_step_precision.py --network 2013   # the smaller 2013 ConvNet
    python benchmarks/train_step_precision.py --batch-sizes 32 64 128

The training step is most of notebook 4's Atari loop on a CPU (benchmarks/dqn_loop.py),
so a faster step is more agent steps in the same minutes. Keras' "mixed_bfloat16" policy
computes in bfloat16 and keeps the weights in float32; CPUs with bfloat16 instructions
(AVX512_BF16, AMX) run it faster, others may run it slower. The step is the notebook's:
a batch of 32 (4, 84, 84) uint8 stacks, double-DQN targets from the online and target
networks, the Huber loss, Adam. Each precision runs in its own process (the policy is
global), alternately, and the script prints the median milliseconds per step and the
ratio. Whether DQN still learns as well in bfloat16 is not measured here. With
`--batch-sizes` it times each precision at each batch size and also prints the time per
32 transitions, the cost of a larger batch per transition learned from.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

WORKER = r"""
import json, sys, time
import numpy as np
import keras
import tensorflow as tf
from helpers import agents

policy, steps, conv, batch_size = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
keras.mixed_precision.set_global_policy(policy)
q_network, target_network = agents.build_network(6, conv), agents.build_network(6, conv)
optimizer = keras.optimizers.Adam(1e-4, epsilon=1.5e-4)


@tf.function
def train_step(observations, actions, returns, discounts, next_observations):
    next_actions = tf.argmax(tf.cast(q_network(next_observations), tf.float32), axis=1)
    next_values = tf.gather(tf.cast(target_network(next_observations), tf.float32), next_actions, batch_dims=1)
    targets = returns + discounts * next_values
    with tf.GradientTape() as tape:
        values = tf.gather(tf.cast(q_network(observations, training=True), tf.float32), actions, batch_dims=1)
        loss = tf.reduce_mean(keras.losses.huber(targets[:, None], values[:, None]))
    gradients = tape.gradient(loss, q_network.trainable_variables)
    optimizer.apply_gradients(zip(gradients, q_network.trainable_variables))
    return loss


rng = np.random.default_rng(0)
b = batch_size
batch = (rng.integers(0, 256, (b, 4, 84, 84), dtype=np.uint8), rng.integers(0, 6, b),
         rng.random(b).astype("float32"), np.full(b, 0.99 ** 3, "float32"),
         rng.integers(0, 256, (b, 4, 84, 84), dtype=np.uint8))
batch = [tf.constant(part) for part in batch]
for _ in range(10):  # compile and warm up
    train_step(*batch)
start = time.perf_counter()
for _ in range(steps):
    loss = train_step(*batch)
float(loss)
print(json.dumps({"policy": policy, "ms": 1000 * (time.perf_counter() - start) / steps}))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--network", choices=("nature", "2013"), default="nature",
                        help="the ConvNet (DQNConfig.network): Nature (2015) or the smaller 2013 one")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32], metavar="N",
                        help="batch sizes to time (default: 32, the notebook's)")
    args = parser.parse_args(argv)
    if min(args.batch_sizes) < 1:
        parser.error(f"batch sizes must be at least 1, got {args.batch_sizes}")
    cases = [(policy, size) for size in args.batch_sizes
             for policy in ("float32", "mixed_bfloat16")]
    times: dict[tuple[str, int], list[float]] = {case: [] for case in cases}
    for _ in range(args.rounds):
        for policy, size in cases:
            output = subprocess.run([sys.executable, "-c", WORKER, policy, str(args.steps),
                                     args.network, str(size)], check=True,
                                    capture_output=True, text=True).stdout
            times[policy, size].append(json.loads(output.strip().splitlines()[-1])["ms"])
    for (policy, size), values in times.items():
        median = statistics.median(values)
        per_32 = (f", {median * 32 / size:6.2f} ms per 32 transitions"
                  if len(args.batch_sizes) > 1 else "")
        print(f"{policy:15s} batch {size:4d}: {median:6.2f} ms per gradient step{per_32} "
              f"(median of {len(values)}: {', '.join(f'{value:.2f}' for value in values)})")
    print(f"network: {args.network}")
    for size in args.batch_sizes:
        ratio = (statistics.median(times["float32", size])
                 / statistics.median(times["mixed_bfloat16", size]))
        print(f"batch {size}: mixed_bfloat16 is {ratio:.2f}x as fast as float32 here")
    return 0


if __name__ == "__main__":
    sys.exit(main())
