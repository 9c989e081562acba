"""Validation sweep for notebook 3's final ConvNet: which epochs, batch size, batch-norm momentum and
augmentation to use.

    python benchmarks/mnist_final_sweep.py          # the grid the notebook's choice rests on, seeds 0 and 1
                                                    # (9 settings x 2 seeds: about 1 h on 2 CPU cores)
    python benchmarks/mnist_final_sweep.py --configs E16-B128-M0.99-Akeras E17-B128-M0.99 --seeds 0 1 2

Each configuration, written E<epochs>-B<batch size>-M<batch-norm momentum>, optionally followed by
-Akeras, trains the final model of benchmarks/mnist_convnet.py (the notebook's model, loss and
warm-up + cosine schedule) with the notebook's augmentation (one RandomAffine layer, a single
resampling) or, with -Akeras, with the three Keras layers it replaced (RandomRotation ->
RandomTranslation -> RandomZoom, the same ranges, three resamplings),
on the first 54,000 training images and reports its accuracy on the last 6,000, the validation
split. The test set is never loaded: this script chooses, the benchmark and the notebook's full
runs then measure. The Keras-example reference model is trained too (first and last), so every
configuration's training time can be given as a ratio to the reference's, measured in the same
process. Runs go seed by seed (every configuration with seed 0, then with seed 1, ...), so an
interrupted sweep still compares all configurations on the seeds it finished.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import runtime  # noqa: E402

runtime.quiet_tensorflow()

import keras  # noqa: E402

import mnist_convnet as benchmark  # noqa: E402
from helpers import data  # noqa: E402

DEFAULT_CONFIGS = ["E13-B128-M0.9-Akeras", "E13-B128-M0.99-Akeras", "E15-B128-M0.99-Akeras", "E16-B128-M0.99-Akeras",
                   "E17-B128-M0.99-Akeras", "E17-B256-M0.99-Akeras", "E22-B256-M0.99-Akeras", "E16-B128-M0.99",
                   "E17-B128-M0.99"]


def parse_config(text):
    """'E17-B256-M0.99' -> (17, 256, 0.99, False); 'E17-B256-M0.99-Akeras' -> (17, 256, 0.99, True)."""
    try:
        parts = text.split("-")
        keras_layers = len(parts) == 4
        assert not keras_layers or parts.pop() == "Akeras"
        epochs, batch_size, momentum = parts
        assert epochs[0] == "E" and batch_size[0] == "B" and momentum[0] == "M"
        return int(epochs[1:]), int(batch_size[1:]), float(momentum[1:]), keras_layers
    except (ValueError, AssertionError):
        raise ValueError(f"a configuration looks like E17-B256-M0.99 (epochs, batch size, batch-norm momentum), "
                         f"optionally followed by -Akeras (the three Keras augmentation layers), got {text!r}") from None


def build_keras_augmentation():
    """The augmentation the final model had before RandomAffine: three Keras layers, three resamplings."""
    return keras.Sequential([
        keras.layers.RandomRotation(0.03, fill_mode="constant"),
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
        keras.layers.RandomZoom(0.1, fill_mode="constant"),
    ], name="augmentation")


def build_model(momentum, keras_layers=False):
    """The benchmark's (the notebook's) final model with every batch-norm layer's momentum set to `momentum`,
    and with the three Keras augmentation layers instead of RandomAffine when `keras_layers`."""
    original = benchmark.build_augmentation
    if keras_layers:
        benchmark.build_augmentation = build_keras_augmentation
    try:
        model = benchmark.build_final_model()
    finally:
        benchmark.build_augmentation = original
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = momentum
    return model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", nargs="+", default=DEFAULT_CONFIGS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--json", help="append one JSON line per run to this file")
    args = parser.parse_args(argv)
    configs = {text: parse_config(text) for text in args.configs}

    print(runtime.describe_device(), flush=True)
    (images, labels), _ = data.load_mnist()
    split = benchmark.NUM_TRAIN
    train, validation = (images[:split], labels[:split]), (images[split:], labels[split:])

    records = []

    def record(entry):
        records.append(entry)
        print(json.dumps(entry), flush=True)
        if args.json:
            with open(args.json, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry) + "\n")

    def reference_run():
        curve, _, seconds, cpu_seconds = benchmark.train_reference(images, labels, benchmark.REFERENCE_EPOCHS,
                                                                   seed=0, jit_compile=False, verbose=0)
        record({"config": "reference", "seed": 0, "validation_accuracy": round(curve[-1], 4),
                "train_seconds": round(seconds, 1), "train_cpu_seconds": round(cpu_seconds, 1)})

    reference_run()
    for seed in args.seeds:
        for text, (epochs, batch_size, momentum, keras_layers) in configs.items():
            curve, _, seconds, cpu_seconds = benchmark.train_final(
                train, validation, epochs, seed, jit_compile=False, batch_size=batch_size,
                build_model=lambda: build_model(momentum, keras_layers), verbose=0)
            record({"config": text, "seed": seed, "validation_accuracy": round(curve[-1], 4),
                    "validation_curve": [round(value, 4) for value in curve],
                    "train_seconds": round(seconds, 1), "train_cpu_seconds": round(cpu_seconds, 1)})
    reference_run()

    reference = [entry for entry in records if entry["config"] == "reference"]
    reference_wall = statistics.median(entry["train_seconds"] for entry in reference)
    reference_cpu = statistics.median(entry["train_cpu_seconds"] for entry in reference)
    print(f"\nreference: median training {reference_wall:.1f} s wall, {reference_cpu:.1f} s CPU")
    for text in configs:
        mine = [entry for entry in records if entry["config"] == text]
        accuracies = [entry["validation_accuracy"] for entry in mine]
        wall = statistics.median(entry["train_seconds"] for entry in mine)
        cpu = statistics.median(entry["train_cpu_seconds"] for entry in mine)
        spread = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
        print(f"{text:22s} validation {' '.join(f'{value:.4f}' for value in accuracies)}  mean "
              f"{statistics.mean(accuracies):.4f} +- {spread:.4f}  time ratio {wall / reference_wall:.2f} wall, "
              f"{cpu / reference_cpu:.2f} CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
