"""A short Atari training run of notebook 4's DQN with some hyperparameters changed.

    python benchmarks/dqn_config_probe.py --seed 7 --minutes 30 --set learning_rate=2.5e-4
    python benchmarks/dqn_config_probe.py --seed 8 --set network=2013 --set train_frequency=4

For choosing the full run's configuration on seeds that are not reported: it runs the
notebook's own code (the cells of notebooks/04_atari_dqn.ipynb tagged `dqn`) with the
configuration of the notebook's full run (DQNConfig's defaults, the precision
`runtime.fast_precision()` picks, 10 evaluation games every 5 minutes of training, not
counted as training time, a log row every 10,000 agent steps), changed by each
`--set name=value` (a DQNConfig field; the value is read as a Python literal), for
`--minutes` of training. It prints the evaluations as they come and, at the end, one JSON
line with the configuration, the evaluation curve (agent steps, training minutes, mean
score) and the median agent steps per second; `--output FILE` appends that line to FILE.
`--game-epsilons` gives each of the games played at once its own floor under the epsilon
schedule, 0.4 ** (1 + 7 i / (N - 1)) for game i of N (as Ape-X, Horgan et al. 2018, gives
its actors), so a few games keep exploring while the others play greedily; the
evaluation games keep their epsilon.
`--prioritized` samples replay in proportion to |TD error| ** 0.6 (proportional prioritized
replay, Schaul et al. 2016: new transitions get the largest priority so far, each update
is weighted by (N P(i)) ** -beta / its batch's largest, beta 0.4 -> 1 over 1,000,000 agent
steps); the notebook's train step is replaced by the same update with those weights.
`--sticky P` makes the emulator repeat the previous action with probability P in training
and evaluation games (Machado et al. 2018 recommend 0.25), so that a greedy policy does
not play the same game again and again.
`--init NAME` draws the kernels of the Q-network's convolutional and dense layers again with
the Keras initializer NAME (biases stay zero; the target network starts as a copy), e.g.
`lecun_normal`, the default of Flax's layers (CleanRL's JAX `dqn_atari`), instead of Keras'
Glorot-uniform.
`--dueling` gives the Q-network two heads on its last hidden layer (Wang et al. 2016): a
value V(s) and advantages A(s, a), combined as Q = V + A - mean over a of A, each head with
its own hidden layer of the same width, as in the paper.
Nothing else may run on the machine meanwhile if the minutes are to be compared with the
recorded runs.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import pathlib
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from dqn_loop import load_notebook_dqn  # noqa: E402  (the notebook's cells, as dqn_loop runs them)


def parse_setting(text: str) -> tuple[str, object]:
    """'name=value' -> (name, value); the value is a Python literal, or else the text."""
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise argparse.ArgumentTypeError(f"expected name=value (a DQNConfig field), got {text!r}")
    try:
        return name.strip(), ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        return name.strip(), value.strip()


def reinitialize_kernels(model, keras, name: str, seed: int) -> None:
    """Draw the kernel of every Conv2D and Dense layer of model again with initializer name."""
    try:
        kind = type(keras.initializers.get(name))
    except ValueError as error:
        raise SystemExit(f"--init: {name!r} is not a Keras initializer ({error})") from None
    drawn = 0
    for index, layer in enumerate(model.layers):
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            initializer = kind(seed=seed * 1_000 + index)
            layer.kernel.assign(initializer(layer.kernel.shape, dtype=layer.kernel.dtype))
            drawn += 1
    print(f"{drawn} kernels drawn again with {name}", flush=True)


def dueling_network(plain, keras, name: str):
    """The Q-network plain with its last Dense layer replaced by value and advantage heads."""
    torso_output = plain.layers[-3].output  # the flattened ConvNet (before the hidden layer)
    width = plain.layers[-2].units
    num_actions = plain.output_shape[-1]
    value = keras.layers.Dense(width, activation="relu")(torso_output)
    value = keras.layers.Dense(1, dtype="float32")(value)
    advantages = keras.layers.Dense(width, activation="relu")(torso_output)
    advantages = keras.layers.Dense(num_actions, dtype="float32")(advantages)
    centred = keras.layers.Lambda(
        lambda a: a - keras.ops.mean(a, axis=1, keepdims=True), dtype="float32")(advantages)
    q_values = keras.layers.Add(dtype="float32")([value, centred])
    return keras.Model(plain.input, q_values, name=name)


class PrioritizedSampler:
    """Proportional prioritized sampling on top of an AtariVectorReplayBuffer.

    Keeps priority ** alpha per slot (so sampling is a cumulative sum and a search),
    gives each stored transition the largest priority seen so far, and after every
    update sets the sampled transitions' priorities to |TD error| + tiny.
    """

    def __init__(self, buffer, replay_module, alpha=0.6, beta_start=0.4, beta_steps=1_000_000,
                 tiny=1e-6, seed=0):
        self.buffer, self.alpha, self.tiny = buffer, alpha, tiny
        self.beta_start, self.beta_steps = beta_start, beta_steps
        self.last_flag = replay_module._LAST
        self.scaled = np.zeros((buffer.num_envs, buffer.slots_per_env))  # priority ** alpha
        self.max_priority = 1.0
        self.rng = np.random.default_rng(seed)
        self.last = None
        add = buffer.add

        def prioritized_add(*args, **kwargs):
            add(*args, **kwargs)
            slot = (buffer._count - 1) % buffer.slots_per_env
            self.scaled[:, slot] = self.max_priority ** self.alpha

        buffer.add = prioritized_add
        buffer.sample = self.sample

    def beta(self):
        agent_steps = self.buffer._count * self.buffer.num_envs
        return min(1.0, self.beta_start + (1 - self.beta_start) * agent_steps / self.beta_steps)

    def sample(self, batch_size):
        buffer = self.buffer
        low, high = buffer._sample_range()
        slots = np.arange(low, high + 1) % buffer.slots_per_env
        scaled = np.where(buffer._flags[:, slots] & self.last_flag, 0.0, self.scaled[:, slots])
        cumulative = np.cumsum(scaled.ravel())
        total = cumulative[-1]
        picks = np.searchsorted(cumulative, self.rng.random(batch_size) * total, side="right")
        picks = np.minimum(picks, cumulative.size - 1)
        games, offsets = np.divmod(picks, len(slots))
        starts = low + offsets
        probabilities = scaled.ravel()[picks] / total
        weights = (np.count_nonzero(scaled) * probabilities) ** -self.beta()
        self.last = (games, starts % buffer.slots_per_env, (weights / weights.max()))
        return buffer._gather(games, starts)

    def update(self, errors):
        games, slots, _ = self.last
        priorities = np.abs(errors) + self.tiny
        self.scaled[games, slots] = priorities ** self.alpha
        self.max_priority = max(self.max_priority, float(priorities.max()))


def prioritized_train_step_maker(sampler, tf, keras):
    """A replacement for the notebook's make_train_step: the same update, weighted."""

    def make_train_step(q_network, target_network, optimizer, gamma, double_dqn=False):
        @tf.function
        def weighted_step(observations, actions, rewards, next_observations, terminated,
                          discounts, weights):
            next_q_values = target_network(next_observations, training=False)
            if double_dqn:
                next_actions = tf.argmax(q_network(next_observations, training=False), axis=1)
                next_values = tf.gather(next_q_values, next_actions, axis=1, batch_dims=1)
            else:
                next_values = tf.reduce_max(next_q_values, axis=1)
            targets = tf.stop_gradient(rewards + discounts * (1.0 - terminated) * next_values)
            with tf.GradientTape() as tape:
                q_values = q_network(observations, training=True)
                taken = tf.gather(q_values, actions, axis=1, batch_dims=1)
                huber = keras.losses.huber(targets[:, None], taken[:, None])  # per transition
                loss = tf.reduce_mean(weights * huber)
            gradients = tape.gradient(loss, q_network.trainable_variables)
            optimizer.apply_gradients(zip(gradients, q_network.trainable_variables))
            return loss, tf.abs(targets - taken)

        def train_step(*batch):
            weights = tf.constant(sampler.last[2], dtype=tf.float32)
            loss, size = weighted_step(*batch, weights)
            sampler.update(size.numpy())
            return loss

        return train_step

    return make_train_step


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--minutes", type=float, default=30.0, help="training minutes")
    parser.add_argument("--game", default="Pong")
    parser.add_argument("--set", dest="settings", type=parse_setting, action="append", default=[],
                        metavar="NAME=VALUE", help="a DQNConfig field to change (repeatable)")
    parser.add_argument("--output", type=pathlib.Path, help="append the result line to this file")
    parser.add_argument("--game-epsilons", action="store_true",
                        help="an epsilon floor per training game, 0.4 ** (1 + 7 i / (N - 1))")
    parser.add_argument("--sticky", type=float, default=0.0, metavar="P",
                        help="sticky-action probability of the games (default 0)")
    parser.add_argument("--init", metavar="NAME",
                        help="a Keras initializer for the Q-network's kernels, e.g. lecun_normal")
    parser.add_argument("--dueling", action="store_true",
                        help="value and advantage heads (Wang et al. 2016)")
    parser.add_argument("--prioritized", action="store_true",
                        help="proportional prioritized replay (alpha 0.6, beta 0.4 -> 1)")
    args = parser.parse_args(argv)

    namespace = load_notebook_dqn(tempfile.mkdtemp(prefix="dqn-probe-"))
    DQNConfig = namespace["DQNConfig"]
    fields = {field.name for field in dataclasses.fields(DQNConfig)}
    unknown = sorted(name for name, _ in args.settings if name not in fields)
    if unknown:
        parser.error(f"not DQNConfig fields: {unknown}; the fields are {sorted(fields)}")
    runtime, envs, replay, keras = (namespace[name]
                                    for name in ("runtime", "envs", "replay", "keras"))
    config = DQNConfig(eval_interval_seconds=300.0, max_training_seconds=60.0 * args.minutes,
                       precision=runtime.fast_precision(), seed=args.seed,
                       log_interval=10_000, checkpoint_interval=10**9)
    config = dataclasses.replace(config, **dict(args.settings))
    if args.game_epsilons and (config.num_envs == config.eval_games or config.num_envs < 2):
        parser.error("--game-epsilons needs num_envs >= 2 and different from eval_games")
    print(config, flush=True)

    runtime.set_seed(args.seed)
    env = envs.make_atari_vector_env(args.game, config.num_envs,
                                     sticky_action_probability=args.sticky)
    eval_env = envs.make_atari_vector_env(args.game, config.eval_games,
                                          sticky_action_probability=args.sticky)
    num_actions = env.single_action_space.n
    options = {"hidden_units": config.hidden_units, "conv": config.network}
    with runtime.dtype_policy(config.precision):
        q_network = namespace["build_q_network"]((4, 84, 84), num_actions, **options)
        target = namespace["build_q_network"]((4, 84, 84), num_actions, name="target_network",
                                              **options)
    if args.dueling:
        if len(config.hidden_units) != 1:
            parser.error("--dueling needs one hidden layer (hidden_units=(N,))")
        with runtime.dtype_policy(config.precision):
            q_network = dueling_network(q_network, keras, "q_network")
            target = dueling_network(target, keras, "target_network")
        target.set_weights(q_network.get_weights())
        print(f"dueling heads: {q_network.count_params():,} parameters", flush=True)
    if args.init:
        reinitialize_kernels(q_network, keras, args.init, args.seed)
    optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
    buffer = replay.AtariVectorReplayBuffer(config.buffer_size, config.num_envs,
                                            n_step=config.n_step, gamma=config.gamma,
                                            seed=namespace["random_streams"](args.seed)[1])
    if args.game_epsilons:  # training acts for num_envs games at once, evaluation for eval_games
        floors = 0.4 ** (1 + 7 * np.arange(config.num_envs) / (config.num_envs - 1))
        epsilon_greedy = namespace["epsilon_greedy"]

        def per_game_epsilon_greedy(observations, epsilon, q_function, num_actions, rng):
            if len(observations) == config.num_envs:
                epsilon = np.maximum(epsilon, floors)
            return epsilon_greedy(observations, epsilon, q_function, num_actions, rng)

        namespace["epsilon_greedy"] = per_game_epsilon_greedy
        print("epsilon floors per game:", np.round(floors, 4).tolist(), flush=True)
    if args.prioritized:
        sampler = PrioritizedSampler(buffer, replay, seed=args.seed)
        namespace["make_train_step"] = prioritized_train_step_maker(sampler, namespace["tf"],
                                                                 keras)
        print("prioritized replay: alpha 0.6, beta 0.4 -> 1 over 1,000,000 agent steps", flush=True)
    evaluate_games = namespace["evaluate_games"]
    started = time.time()
    log, _ = namespace["train_dqn_vector"](
        env, q_network, target, optimizer, buffer, config,
        evaluate=lambda: evaluate_games(eval_env, q_network, seed=args.seed + 10_000),
        progress=False)
    speeds = sorted(log["steps_per_second"])
    result = {
        "seed": args.seed, "game": args.game, "minutes": args.minutes,
        "changed": {name: value for name, value in args.settings},
        "game_epsilons": args.game_epsilons,
        "prioritized": args.prioritized,
        "sticky": args.sticky,
        "init": args.init,
        "dueling": args.dueling,
        "config": {key: value for key, value in dataclasses.asdict(config).items()},
        "eval_step": log["eval_step"],
        "eval_minutes": [round(seconds / 60, 2) for seconds in log["eval_training_seconds"]],
        "eval_return": log["eval_return"],
        "median_steps_per_second": speeds[len(speeds) // 2] if speeds else None,
        "wall_minutes": round((time.time() - started) / 60, 1),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
    }
    for step, minutes, score in zip(result["eval_step"], result["eval_minutes"],
                                    result["eval_return"]):
        print(f"{minutes:5.1f} min, {step:>9,} steps: mean score {score:+5.1f}")
    line = json.dumps(result, default=str)
    print(line)
    if args.output:
        with args.output.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
