"""Benchmark: the notebook's final ConvNet against the Keras-example ConvNet, over several seeds, one process.

    python benchmarks/mnist_convnet.py            # full: 3 seeds of each model on all of MNIST (about 20 min, 2 CPU cores)
    python benchmarks/mnist_convnet.py --quick    # smoke test: 5,000 images, one epoch per model

Trains, alternating the order of the two models so that a machine that slows down or
speeds up during the run affects both alike (default order: reference seed 0, final
seed 0, final seed 1, reference seed 1, final seed 2, reference seed 2),

* the reference "simple MNIST ConvNet" of the Keras examples (Conv 32 3x3 -> max-pool ->
  Conv 64 3x3 -> max-pool -> flatten -> dropout 0.5 -> dense 10; Adam, batch 128,
  15 epochs, validation_split=0.1), fed with NumPy arrays as in the example, and
* the final model of notebooks/03_mnist_convnets.ipynb (same definition, loss, schedule
  and tf.data pipeline; tests/test_mnist_benchmark_sync.py keeps the two in sync).

Both train on the first 54,000 training images and validate on the last 6,000 (the
reference through validation_split=0.1, as in the example). Both are compiled with the
same explicit `jit_compile` (default False, which is also what Keras's "auto" picks on
a CPU-only machine). For every run it prints the final validation accuracy, the test
accuracy and the training wall and CPU time; at the end the per-model mean +- sd of the
accuracies and the median training times and their ratio final / reference (goal: at
most 2). The test set is evaluated once per trained model, after training, and chooses
nothing: set-ups are compared on the validation accuracies.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from helpers import runtime

runtime.quiet_tensorflow()

import keras  # noqa: E402
import numpy as np  # noqa: E402

from helpers import augmentation, convnets, data  # noqa: E402

NUM_TRAIN = 54_000        # the first 54,000 training images train, the last 6,000 validate
REFERENCE_EPOCHS = 15
REFERENCE_BATCH_SIZE = 128
FINAL_EPOCHS = 17
FINAL_BATCH_SIZE = 128
BATCH_NORM_MOMENTUM = 0.99
PEAK_LEARNING_RATE = 3e-3
WARMUP_FRACTION = 0.2                 # of the training steps: linear warm-up from PEAK / 10 to PEAK
FINAL_LEARNING_RATE_FRACTION = 0.01   # of PEAK: where the cosine decay ends
LABEL_SMOOTHING = 0.1
DEFAULT_ORDER = "R0,F0,F1,R1,F2,R2"


def build_reference_model():
    """The Keras example https://keras.io/examples/vision/mnist_convnet/."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ], name="keras_example_convnet")


# ---- the notebook's final model (notebooks/03_mnist_convnets.ipynb, section 6) ----
def build_augmentation():
    return keras.Sequential([augmentation.RandomAffine(rotation=0.03, translation=0.1, zoom=0.1)],
                            name="augmentation")


def conv_block(inputs, filters, pool, name):
    hidden = keras.layers.Conv2D(filters, 3, use_bias=False, name=f"{name}_conv")(inputs)
    if pool:
        hidden = keras.layers.MaxPooling2D(2, name=f"{name}_pool")(hidden)
    hidden = keras.layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM, name=f"{name}_bn")(hidden)
    return keras.layers.ReLU(name=f"{name}_relu")(hidden)


def build_final_model():
    inputs = keras.Input((28, 28, 1))
    hidden = build_augmentation()(inputs)                         # active in fit only
    hidden = conv_block(hidden, 32, pool=True, name="block1")    # 28 -> 26 -> 13
    hidden = conv_block(hidden, 64, pool=False, name="block2")   # 13 -> 11
    hidden = conv_block(hidden, 64, pool=True, name="block3")    # 11 -> 9 -> 4
    hidden = keras.layers.Flatten()(hidden)                       # 4 * 4 * 64 = 1024 features
    hidden = keras.layers.Dropout(0.25)(hidden)
    hidden = keras.layers.Dense(128, use_bias=False)(hidden)
    hidden = keras.layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM)(hidden)
    hidden = keras.layers.ReLU()(hidden)
    hidden = keras.layers.Dropout(0.25)(hidden)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    return keras.Model(inputs, outputs, name="modern_convnet")


def smoothed_crossentropy(labels, probabilities):
    targets = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(labels, (-1,)), "int32"), 10)
    return keras.losses.categorical_crossentropy(targets, probabilities, label_smoothing=LABEL_SMOOTHING)


def make_learning_rate_schedule(total_steps):
    warmup_steps = int(total_steps * WARMUP_FRACTION)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=PEAK_LEARNING_RATE / 10, warmup_target=PEAK_LEARNING_RATE, warmup_steps=warmup_steps,
        decay_steps=total_steps - warmup_steps, alpha=FINAL_LEARNING_RATE_FRACTION)
# ------------------------------------------------------------------------------------


def train_reference(images, labels, epochs, seed, jit_compile, test=None, verbose=2):
    """Train the Keras example on `images` (its validation_split keeps the last tenth for validation); return
    (validation accuracy per epoch, test accuracy or None without `test`, training wall s, training CPU s)."""
    runtime.set_seed(seed)
    model = build_reference_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=jit_compile)
    images = convnets.prepare_images(images)
    with runtime.Timer() as timer:
        history = model.fit(images, labels, batch_size=REFERENCE_BATCH_SIZE, epochs=epochs, validation_split=0.1,
                            verbose=verbose)
    test_accuracy = None
    if test is not None:
        test_accuracy = model.evaluate(convnets.prepare_images(test[0]), test[1], batch_size=1024, verbose=0)[1]
    return history.history["val_accuracy"], test_accuracy, timer.seconds, timer.cpu_seconds


def train_final(train, validation, epochs, seed, jit_compile, test=None, batch_size=FINAL_BATCH_SIZE,
                build_model=build_final_model, verbose=2):
    """Train build_model() on train = (images, labels) with the notebook's loss and schedule; return
    (validation accuracy per epoch, test accuracy or None without `test`, training wall s, training CPU s)."""
    runtime.set_seed(seed)
    model = build_model()
    train_dataset = convnets.make_dataset(*train, batch_size, shuffle=True, seed=seed)
    validation_dataset = convnets.make_dataset(*validation, 1024)
    total_steps = epochs * int(np.ceil(len(train[0]) / batch_size))
    model.compile(optimizer=keras.optimizers.Adam(make_learning_rate_schedule(total_steps)),
                  loss=smoothed_crossentropy, metrics=["accuracy"], jit_compile=jit_compile)
    with runtime.Timer() as timer:
        history = model.fit(train_dataset, epochs=epochs, validation_data=validation_dataset,
                            verbose=verbose)
    test_accuracy = None
    if test is not None:
        test_accuracy = model.evaluate(convnets.make_dataset(*test, 1024), verbose=0)[1]
    return history.history["val_accuracy"], test_accuracy, timer.seconds, timer.cpu_seconds


def parse_order(text):
    """'R0,F0,F1' -> [("reference", 0), ("final", 0), ("final", 1)]."""
    runs = []
    for item in text.split(","):
        item = item.strip()
        if len(item) < 2 or item[0] not in "RF" or not item[1:].isdigit():
            raise ValueError(f"--order items look like R0 (reference, seed 0) or F2 (final, seed 2), got {item!r}")
        runs.append(("reference" if item[0] == "R" else "final", int(item[1:])))
    return runs


def summary(values):
    return (statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke test: 5,000 images, one epoch per model")
    parser.add_argument("--order", default=DEFAULT_ORDER,
                        help=f"runs in order, R<seed> = reference, F<seed> = final model (default {DEFAULT_ORDER})")
    parser.add_argument("--jit-compile", action="store_true", help="compile both models with XLA (default: off)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    runs = parse_order(args.order)

    print(runtime.describe_device(), flush=True)
    (train_images_all, train_labels_all), (test_images, test_labels) = data.load_mnist()
    num_images = 5_000 if args.quick else 60_000
    split = int(num_images * NUM_TRAIN / 60_000)
    epochs = {"reference": 1 if args.quick else REFERENCE_EPOCHS, "final": 1 if args.quick else FINAL_EPOCHS}
    print(f"order {args.order}; jit_compile={args.jit_compile}; {split:,} training and {num_images - split:,} "
          f"validation images; epochs {epochs}", flush=True)

    records = []
    for model_name, seed in runs:
        print(f"\n== {model_name} model, seed {seed}: {epochs[model_name]} epochs", flush=True)
        if model_name == "reference":
            # 60,000 images in, the example's validation_split=0.1 keeps the last 6,000 for validation
            outcome = train_reference(train_images_all[:num_images], train_labels_all[:num_images],
                                      epochs[model_name], seed, args.jit_compile, test=(test_images, test_labels))
        else:
            outcome = train_final((train_images_all[:split], train_labels_all[:split]),
                                  (train_images_all[split:num_images], train_labels_all[split:num_images]),
                                  epochs[model_name], seed, args.jit_compile, test=(test_images, test_labels))
        validation_curve, test_accuracy, seconds, cpu_seconds = outcome
        validation_accuracy = validation_curve[-1]
        record = {"model": model_name, "seed": seed, "validation_accuracy": round(float(validation_accuracy), 4),
                  "test_accuracy": round(float(test_accuracy), 4), "train_seconds": round(seconds, 1),
                  "train_cpu_seconds": round(cpu_seconds, 1)}
        records.append(record)
        print(f"-> {model_name} seed {seed}: validation accuracy {validation_accuracy:.4f}, test accuracy "
              f"{test_accuracy:.4f}, training {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU", flush=True)

    print("\n== results (in the order run)")
    for record in records:
        print(f"{record['model']:9s} seed {record['seed']}: validation {record['validation_accuracy']:.4f}  "
              f"test {record['test_accuracy']:.4f}  wall {record['train_seconds']:7.1f} s  "
              f"CPU {record['train_cpu_seconds']:7.1f} s")
    totals = {}
    for model_name in ("reference", "final"):
        mine = [record for record in records if record["model"] == model_name]
        if not mine:
            continue
        validation_mean, validation_sd = summary([record["validation_accuracy"] for record in mine])
        test_mean, test_sd = summary([record["test_accuracy"] for record in mine])
        totals[model_name] = {
            "runs": len(mine),
            "validation_accuracy_mean": round(validation_mean, 4), "validation_accuracy_sd": round(validation_sd, 4),
            "test_accuracy_mean": round(test_mean, 4), "test_accuracy_sd": round(test_sd, 4),
            "test_accuracy_min": min(record["test_accuracy"] for record in mine),
            "median_train_seconds": round(statistics.median(record["train_seconds"] for record in mine), 1),
            "median_train_cpu_seconds": round(statistics.median(record["train_cpu_seconds"] for record in mine), 1),
        }
        print(f"{model_name:9s} ({len(mine)} runs): validation {validation_mean:.4f} +- {validation_sd:.4f}, "
              f"test {test_mean:.4f} +- {test_sd:.4f} (min {totals[model_name]['test_accuracy_min']:.4f}), "
              f"median training {totals[model_name]['median_train_seconds']:.1f} s wall, "
              f"{totals[model_name]['median_train_cpu_seconds']:.1f} s CPU")
    results = {"mode": "quick" if args.quick else "full", "order": args.order, "jit_compile": args.jit_compile,
               "runs": records, "summary": totals}
    if len(totals) == 2:
        wall_ratio = totals["final"]["median_train_seconds"] / totals["reference"]["median_train_seconds"]
        cpu_ratio = totals["final"]["median_train_cpu_seconds"] / totals["reference"]["median_train_cpu_seconds"]
        results["median_wall_time_ratio_final_over_reference"] = round(wall_ratio, 2)
        results["median_cpu_time_ratio_final_over_reference"] = round(cpu_ratio, 2)
        print(f"median wall-time ratio final / reference: {wall_ratio:.2f} (goal: at most 2); "
              f"median CPU-time ratio: {cpu_ratio:.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
