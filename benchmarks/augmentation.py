"""Benchmark: notebook 3's augmentation in one resampling (helpers.augmentation.RandomAffine) against
the three Keras layers it replaces (RandomRotation -> RandomTranslation -> RandomZoom), same ranges.

    python benchmarks/augmentation.py             # about 1 min on 2 CPU cores
    python benchmarks/augmentation.py --repeats 3

Two measurements, each alternating the two variants so that a machine whose speed drifts
affects both alike, reported as medians and as the median of the paired ratios:

* the augmentation alone, on batches of 128 MNIST-sized images (a compiled tf.function);
* one training epoch of 60 batches of the notebook's final model (the benchmark's copy,
  benchmarks/mnist_convnet.py) with either augmentation at its front.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import runtime  # noqa: E402

runtime.quiet_tensorflow()

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import mnist_convnet as benchmark  # noqa: E402
import mnist_final_sweep as sweep  # noqa: E402
from helpers import convnets  # noqa: E402


VARIANTS = {"3 Keras layers": sweep.build_keras_augmentation, "RandomAffine": benchmark.build_augmentation}


def report(title, seconds, unit, scale):
    print(f"\n{title}")
    for name, values in seconds.items():
        print(f"  {name:15s} median {scale * statistics.median(values):7.2f} {unit}")
    ratios = [new / old for new, old in zip(seconds["RandomAffine"], seconds["3 Keras layers"])]
    print(f"  RandomAffine / 3 Keras layers: median of paired ratios {statistics.median(ratios):.2f} "
          f"(range {min(ratios):.2f}-{max(ratios):.2f})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    print(runtime.describe_device(), flush=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (128 * 60, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 128 * 60)

    batch = tf.constant(convnets.prepare_images(images[:128]))
    augmenters = {}
    for name, build in VARIANTS.items():
        layer = build()
        augmenters[name] = tf.function(lambda images, layer=layer: layer(images, training=True))
        augmenters[name](batch)  # trace once
    alone = {name: [] for name in VARIANTS}
    for _ in range(args.repeats):
        for name, augment in augmenters.items():
            start = time.perf_counter()
            for _ in range(50):
                augment(batch)
            alone[name].append((time.perf_counter() - start) / 50)
    report("augmentation alone, one batch of 128 images:", alone, "ms", 1000)

    dataset = convnets.make_dataset(images, labels, 128, shuffle=True, seed=0)
    models = {}
    for name in VARIANTS:
        runtime.set_seed(0)
        model = sweep.build_model(benchmark.BATCH_NORM_MOMENTUM, keras_layers=name == "3 Keras layers")
        model.compile(optimizer="adam", loss=benchmark.smoothed_crossentropy, jit_compile=False)
        model.fit(dataset, epochs=1, verbose=0)  # compile and warm up
        models[name] = model
    epochs = {name: [] for name in VARIANTS}
    for _ in range(args.repeats):
        for name, model in models.items():
            start = time.perf_counter()
            model.fit(dataset, epochs=1, verbose=0)
            epochs[name].append(time.perf_counter() - start)
    report("training the final model, one epoch of 60 batches of 128:", epochs, "s", 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
