"""Benchmark: the notebook's final ConvNet against the Keras-example ConvNet, same machine, one run.

    python benchmarks/mnist_convnet.py            # full: both models on all of MNIST (~8 min on 2 CPU cores)
    python benchmarks/mnist_convnet.py --quick    # smoke test: a subset and one epoch each

Trains, one after the other,

* the reference "simple MNIST ConvNet" of the Keras examples (Conv 32 3x3 -> max-pool ->
  Conv 64 3x3 -> max-pool -> flatten -> dropout 0.5 -> dense 10; Adam, batch 128,
  15 epochs, validation_split=0.1), fed with NumPy arrays as in the example, and
* the final model of notebooks/03_mnist_convnets.ipynb (same definition, same
  tf.data pipeline, augmentation layers and schedule; keep the two in sync),

and prints each model's test accuracy and training wall time and the ratio of the two
wall times (and of their CPU times, which a busy or throttled machine disturbs less).
Timings on a shared machine are noisy: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from helpers import runtime

runtime.quiet_tensorflow()

import keras  # noqa: E402
import numpy as np  # noqa: E402

from helpers import convnets, data  # noqa: E402

NUM_TRAIN = 54_000        # the first 54,000 training images train, the last 6,000 validate
REFERENCE_EPOCHS = 15
REFERENCE_BATCH_SIZE = 128
FINAL_EPOCHS = 13
FINAL_BATCH_SIZE = 128
PEAK_LEARNING_RATE = 3e-3
LABEL_SMOOTHING = 0.1


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
def conv_block(inputs, filters, pool, name):
    hidden = keras.layers.Conv2D(filters, 3, use_bias=False, name=f"{name}_conv")(inputs)
    if pool:
        hidden = keras.layers.MaxPooling2D(2, name=f"{name}_pool")(hidden)
    hidden = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(hidden)
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
    hidden = keras.layers.BatchNormalization(momentum=0.9)(hidden)
    hidden = keras.layers.ReLU()(hidden)
    hidden = keras.layers.Dropout(0.25)(hidden)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    return keras.Model(inputs, outputs, name="modern_convnet")


def build_augmentation():
    return keras.Sequential([
        keras.layers.RandomRotation(0.03, fill_mode="constant"),
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
        keras.layers.RandomZoom(0.1, fill_mode="constant"),
    ], name="augmentation")


def smoothed_crossentropy(labels, probabilities):
    targets = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(labels, (-1,)), "int32"), 10)
    return keras.losses.categorical_crossentropy(targets, probabilities, label_smoothing=LABEL_SMOOTHING)


def learning_rate_schedule(total_steps):
    warmup_steps = total_steps // 5
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=PEAK_LEARNING_RATE / 10, warmup_target=PEAK_LEARNING_RATE, warmup_steps=warmup_steps,
        decay_steps=total_steps - warmup_steps, alpha=0.01)
# ------------------------------------------------------------------------------------


def train_reference(train_images, train_labels, test_images, test_labels, epochs, seed):
    runtime.set_seed(seed)
    model = build_reference_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    images = convnets.prepare_images(train_images)
    with runtime.Timer() as timer:
        model.fit(images, train_labels, batch_size=REFERENCE_BATCH_SIZE, epochs=epochs, validation_split=0.1,
                  verbose=2)
    accuracy = model.evaluate(convnets.prepare_images(test_images), test_labels, batch_size=1024, verbose=0)[1]
    return accuracy, timer.seconds, timer.cpu_seconds


def train_final(train_images, train_labels, validation_images, validation_labels, test_images, test_labels,
                epochs, seed):
    runtime.set_seed(seed)
    model = build_final_model()
    train_dataset = convnets.make_dataset(train_images, train_labels, FINAL_BATCH_SIZE, shuffle=True, seed=seed)
    validation_dataset = convnets.make_dataset(validation_images, validation_labels, 1024)
    total_steps = epochs * int(np.ceil(len(train_images) / FINAL_BATCH_SIZE))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate_schedule(total_steps)),
                  loss=smoothed_crossentropy, metrics=["accuracy"])
    with runtime.Timer() as timer:
        model.fit(train_dataset, epochs=epochs, validation_data=validation_dataset, verbose=2)
    accuracy = model.evaluate(convnets.make_dataset(test_images, test_labels, 1024), verbose=0)[1]
    return accuracy, timer.seconds, timer.cpu_seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke test: 5,000 images, one epoch per model")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    print(runtime.describe_device(), flush=True)
    (train_images_all, train_labels_all), (test_images, test_labels) = data.load_mnist()
    num_train = 5_000 if args.quick else 60_000
    reference_epochs = 1 if args.quick else REFERENCE_EPOCHS
    final_epochs = 1 if args.quick else FINAL_EPOCHS

    # The reference takes 60,000 images and splits off the last 10 % itself (validation_split=0.1);
    # the final model gets the same 54,000 training and 6,000 validation images as a tf.data pipeline.
    split = int(num_train * NUM_TRAIN / 60_000)
    print(f"\n== reference (Keras example): {reference_epochs} epochs, batch {REFERENCE_BATCH_SIZE}", flush=True)
    reference_accuracy, reference_seconds, reference_cpu = train_reference(
        train_images_all[:num_train], train_labels_all[:num_train], test_images, test_labels, reference_epochs,
        args.seed)
    print(f"\n== final model (notebook 3): {final_epochs} epochs, batch {FINAL_BATCH_SIZE}", flush=True)
    final_accuracy, final_seconds, final_cpu = train_final(
        train_images_all[:split], train_labels_all[:split], train_images_all[split:num_train],
        train_labels_all[split:num_train], test_images, test_labels, final_epochs, args.seed)

    ratio = final_seconds / reference_seconds
    cpu_ratio = final_cpu / reference_cpu
    results = {
        "mode": "quick" if args.quick else "full",
        "reference": {"test_accuracy": round(reference_accuracy, 4), "train_seconds": round(reference_seconds, 1),
                      "train_cpu_seconds": round(reference_cpu, 1)},
        "final": {"test_accuracy": round(final_accuracy, 4), "train_seconds": round(final_seconds, 1),
                  "train_cpu_seconds": round(final_cpu, 1)},
        "wall_time_ratio_final_over_reference": round(ratio, 2),
        "cpu_time_ratio_final_over_reference": round(cpu_ratio, 2),
    }
    print("\n== results")
    print(f"reference ConvNet : test accuracy {reference_accuracy:.4f}, training {reference_seconds:7.1f} s wall, "
          f"{reference_cpu:7.1f} s CPU")
    print(f"final ConvNet     : test accuracy {final_accuracy:.4f}, training {final_seconds:7.1f} s wall, "
          f"{final_cpu:7.1f} s CPU")
    print(f"wall-time ratio final / reference: {ratio:.2f} (goal: at most 2); CPU-time ratio: {cpu_ratio:.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
