"""Plumbing for the course notebooks.

The notebooks own the lessons; this package owns what a student should not have to
read to learn them: data generation and loading (`helpers.data`), plotting
(`helpers.plotting`), runtime set-up (`helpers.runtime`), ConvNet plumbing
(`helpers.convnets`), replay buffers (`helpers.replay`), environment construction
(`helpers.envs`), training checkpoints (`helpers.checkpoints`), shared argument
checks (`helpers.checks`), the first cell's set-up on Colab and other hosted notebooks
(`helpers.colab`, which also holds the repository's address) and the environment check
(`helpers.environment`).

Modules are imported on demand so that `import helpers` stays cheap and does not
pull in TensorFlow.
"""

__all__ = ["checks", "checkpoints", "colab", "convnets", "data", "environment", "envs", "plotting", "replay", "runtime"]
