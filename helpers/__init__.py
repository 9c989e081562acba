"""Plumbing for the course notebooks.

The notebooks own the lessons; this package owns what a student should not have to
read to learn them: data generation and loading (`helpers.data`), plotting
(`helpers.plotting`), runtime set-up (`helpers.runtime`), replay buffers
(`helpers.replay`) and environment construction (`helpers.envs`).

Modules are imported on demand so that `import helpers` stays cheap and does not
pull in TensorFlow.
"""

__all__ = ["data", "plotting", "runtime", "replay", "envs"]
