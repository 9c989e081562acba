"""Bookkeeping around notebook 4's DQN loops, so that the loops read like the algorithm.

The loops (act, store, sample, compute the target, take a gradient step, sync the
target) stay in the notebook. What is not the algorithm lives here, one call each:

- `compiled_once(make, *args)`: build a compiled function once per network and reuse it;
- `q_function(network)`: the compiled forward pass used for acting;
- `TrainingRun`: resuming from a checkpoint and writing checkpoints, the progress bar,
  the training log (episode scores, losses, speed), the training time, and
  evaluations every few minutes of training (not counted as training time).

    >>> run = TrainingRun(total_steps, networks={"q_network": q, "target_network": target},
    ...                   optimizer=optimizer, rng=rng, config=dataclasses.asdict(config),
    ...                   checkpoint_path=path, checkpoint_interval=50_000, log_interval=5_000)
    >>> while not run.done:
    ...     ...                                  # one step of the algorithm, on N games
    ...     run.record_rewards(rewards, terminated | truncated)
    ...     run.record_loss(loss)
    ...     run.advance(num_envs, epsilon)       # log rows, evaluations, checkpoints when due
    >>> log = run.finish()
"""

from __future__ import annotations

import time

import numpy as np

from helpers import checkpoints

XLA_ACT = True  # acting (a small batch) is compiled with XLA: measured faster on CPU (benchmarks/dqn_loop.py)

_compiled: dict = {}  # (maker's name, its arguments) -> (the arguments, the compiled function)


def compiled_once(make, *args):
    """`make(*args)`, built on the first call and reused afterwards (networks told apart by identity).

    Tracing a `tf.function` takes a moment (seconds for an Atari ConvNet); every call of a
    training loop or an evaluation asks for the same network's functions again.
    """
    key = (make.__name__, *(arg if isinstance(arg, (bool, int, float)) else id(arg) for arg in args))
    if key not in _compiled:
        _compiled[key] = (args, make(*args))  # holding the arguments keeps their ids unique
    return _compiled[key][1]


def _make_q_function(network):
    import tensorflow as tf

    @tf.function(jit_compile=XLA_ACT)
    def q_values(observations):
        return network(observations, training=False)

    return q_values


def q_function(network):
    """The compiled forward pass of `network`: a batch of observations -> Q-values (batch, num_actions)."""
    return compiled_once(_make_q_function, network)


class TrainingRun:
    """Checkpoints, resuming, the progress bar, the log and timed evaluations of one training loop.

    total_steps: agent steps to reach (all games together). networks, optimizer, rng:
    what a checkpoint saves and restores (the rng is the loop's numpy Generator). config:
    a JSON-friendly dict saved with each checkpoint; resuming refuses a checkpoint made
    with other values (except total_steps). checkpoint_path: resume from it when it
    exists, and write it every `checkpoint_interval` steps and at the end (None: no
    checkpoints). replay_buffer: returned as `run.replay_buffer`, replaced by the saved
    one on resume when `save_replay_buffer`. evaluate: a function of no arguments that
    returns a list of scores, called every `eval_interval_seconds` of training time and
    at the end. max_training_seconds: stop once this much training time has passed.
    vector: the environment resets a finished game on the next step (the step after an
    end is not counted in the next episode's length). progress: show a tqdm bar, or pass
    a bar to update. config_may_differ: the config entries a resumed run may change (by
    default its length: total_steps and max_training_seconds, so a run can be extended).

    Training time is wall time in the loop, without the evaluations and checkpoint writes.
    """

    def __init__(self, total_steps, *, networks, optimizer=None, rng=None, config=None, checkpoint_path=None,
                 checkpoint_interval=None, log_interval=1_000, replay_buffer=None, save_replay_buffer=False,
                 evaluate=None, eval_interval_seconds=None, max_training_seconds=None, num_envs=1, vector=False,
                 progress=True, description="training", verbose=True,
                 config_may_differ=("total_steps", "max_training_seconds")):
        import tqdm.auto

        self.total_steps = int(total_steps)
        self.networks, self.optimizer, self.rng, self.config = networks, optimizer, rng, config
        self.checkpoint_path = checkpoint_path
        self.checkpoint_interval = int(checkpoint_interval or total_steps)
        self.log_interval = int(log_interval)
        self.replay_buffer, self.save_replay_buffer = replay_buffer, bool(save_replay_buffer)
        if evaluate is not None and not eval_interval_seconds:
            raise ValueError("evaluate needs eval_interval_seconds, the training time between evaluations")
        self.evaluate, self.eval_interval_seconds = evaluate, eval_interval_seconds
        self.max_training_seconds = max_training_seconds
        self.step, self.epsilon = 0, None
        self.log = {
            "episode_return": [], "episode_length": [], "episode_end_step": [],  # one entry per episode
            "step": [], "loss": [], "epsilon": [], "steps_per_second": [],  # one row per log_interval
            "eval_step": [], "eval_training_seconds": [], "eval_return": [],  # one row per evaluation
            "training_seconds": 0.0,
        }
        self.restored = False
        if checkpoint_path is not None and checkpoints.checkpoint_exists(checkpoint_path):
            restored = checkpoints.load_checkpoint(
                checkpoint_path, networks=networks, optimizer=optimizer, rng=rng, config=config,
                replay_buffer_class=type(replay_buffer) if save_replay_buffer and replay_buffer is not None else None,
                config_may_differ=config_may_differ)
            self.step, self.restored = restored.step, True
            self.log.update(restored.log)
            if restored.replay_buffer is not None:
                self.replay_buffer = restored.replay_buffer
            if verbose and self.step >= self.total_steps:
                print(f"Restored the finished run in {checkpoint_path} (step {self.step:,} of "
                      f"{self.total_steps:,}): nothing left to train")
            elif verbose:
                refill = "" if restored.replay_buffer is not None else ", refilled before learning restarts"
                print(f"Resuming from the checkpoint {checkpoint_path} at step {self.step:,} of "
                      f"{self.total_steps:,} ({len(self.log['episode_return'])} episodes so far); replay buffer: "
                      f"{len(self.replay_buffer) if self.replay_buffer is not None else 0:,} transitions{refill}")
        elif verbose:
            where = f" (no checkpoint at {checkpoint_path} yet)" if checkpoint_path is not None else ""
            games = f" of {num_envs} games at once" if num_envs > 1 else ""
            print(f"Training starts fresh at step 0 of {self.total_steps:,}{games}{where}")
        self.log.setdefault("sessions", []).append([self.step, self.step])  # [first, last] step of each call
        self.first_step = self.step
        self._vector = bool(vector)
        self._returns, self._lengths = np.zeros(num_envs), np.zeros(num_envs, dtype=np.int64)
        self._losses = []
        self._row_step, self._row_seconds = self.step, self.log["training_seconds"]
        self._next_eval = (len(self.log["eval_step"]) + 1) * (eval_interval_seconds or 0.0)
        self._own_bar = not hasattr(progress, "update")
        self.bar = tqdm.auto.tqdm(total=self.total_steps, initial=self.step, disable=not progress,
                                  mininterval=2.0, unit="step", desc=description) if self._own_bar else progress
        self._clock = time.perf_counter()

    # ------------------------------------------------------------------ state
    @property
    def training_seconds(self) -> float:
        """Training time so far (seconds), this call and the resumed ones."""
        return self.log["training_seconds"] + (time.perf_counter() - self._clock)

    @property
    def done(self) -> bool:
        """True once total_steps are reached or max_training_seconds have passed."""
        return self.step >= self.total_steps or (
            self.max_training_seconds is not None and self.training_seconds >= self.max_training_seconds)

    # --------------------------------------------------------------- records
    def record_rewards(self, rewards, ended) -> None:
        """Add one step's rewards (true scores, one per game) and close the episodes that ended."""
        self._returns += np.asarray(rewards, dtype=np.float64).reshape(-1)
        self._lengths += 1
        for game in np.flatnonzero(np.asarray(ended).reshape(-1)):
            self.log["episode_return"].append(float(self._returns[game]))
            self.log["episode_length"].append(int(self._lengths[game]))
            self.log["episode_end_step"].append(self.step + len(self._returns))
            # a vector environment spends the next step on the reset: not part of the next episode
            self._returns[game], self._lengths[game] = 0.0, -1 if self._vector else 0

    def record_loss(self, loss) -> None:
        """Keep a train step's loss (a tensor is fine: it is read only when a log row is written)."""
        self._losses.append(loss)

    # ----------------------------------------------------------- bookkeeping
    def advance(self, steps, epsilon=None) -> None:
        """Count `steps` agent steps; write the log row, evaluation and checkpoint that are due."""
        now = time.perf_counter()
        self.log["training_seconds"] += now - self._clock
        self._clock = now
        previous, self.step, self.epsilon = self.step, self.step + int(steps), epsilon
        done = self.done
        if previous // self.log_interval != self.step // self.log_interval or done:
            self._write_row()
        if self.evaluate is not None and (self.log["training_seconds"] >= self._next_eval or done):
            self._evaluate()
        if self.checkpoint_path is not None and (
                previous // self.checkpoint_interval != self.step // self.checkpoint_interval or done):
            self.save()
        self._clock = time.perf_counter()

    def _write_row(self) -> None:
        seconds = self.log["training_seconds"] - self._row_seconds
        self.log["step"].append(self.step)
        self.log["loss"].append(float(np.mean([float(loss) for loss in self._losses])) if self._losses
                                else float("nan"))
        self.log["epsilon"].append(self.epsilon)
        self.log["steps_per_second"].append((self.step - self._row_step) / max(seconds, 1e-9))
        recent = self.log["episode_return"][-20:]
        self.bar.set_postfix(score=f"{np.mean(recent):.1f}" if recent else "-",
                             eps=f"{self.epsilon:.2f}" if self.epsilon is not None else "-", refresh=False)
        self.bar.update(self.step - self.bar.n)
        self._losses, self._row_step, self._row_seconds = [], self.step, self.log["training_seconds"]

    def _evaluate(self) -> None:
        scores = self.evaluate()
        self.log["eval_step"].append(self.step)
        self.log["eval_training_seconds"].append(self.log["training_seconds"])
        self.log["eval_return"].append(float(np.mean(scores)))
        self.bar.write(f"step {self.step:>9,}  {self.log['training_seconds'] / 60:5.1f} min of training  "
                       f"evaluation: mean score {np.mean(scores):+.1f} over {len(scores)} games")
        while self._next_eval <= self.log["training_seconds"]:
            self._next_eval += self.eval_interval_seconds

    def save(self) -> None:
        """Write a checkpoint now (the loop does it when one is due)."""
        self.log["sessions"][-1][1] = self.step
        checkpoints.save_checkpoint(
            self.checkpoint_path, step=self.step, networks=self.networks, optimizer=self.optimizer,
            epsilon=self.epsilon, log=self.log, rng=self.rng, config=self.config,
            replay_buffer=self.replay_buffer if self.save_replay_buffer else None)

    def finish(self) -> dict:
        """Close the progress bar; return the log."""
        self.log["sessions"][-1][1] = self.step
        if self._own_bar:
            self.bar.close()
        return self.log
