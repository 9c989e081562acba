# Build conv_block(inputs, filters, pool, name) -> tensor, the final model's building block:
# Conv 3x3 (no bias) named f"{name}_conv" -> [max-pool 2, f"{name}_pool"] -> batch norm (momentum 0.9,
# f"{name}_bn") -> ReLU (f"{name}_relu"). build_final_model (next cell) stacks three; section 7 uses the names.
def conv_block(inputs, filters, pool, name):
    """Conv 3x3 (no bias: batch norm has one) -> [max pool] -> batch norm -> ReLU.

    momentum=0.9: the running averages used at test time follow the last ~10 steps
    (Keras default 0.99: ~100 steps, too slow for the quick run's few dozen steps).
    """
    hidden = keras.layers.Conv2D(filters, 3, use_bias=False, name=f"{name}_conv")(inputs)
    if pool:
        hidden = keras.layers.MaxPooling2D(2, name=f"{name}_pool")(hidden)
    hidden = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(hidden)
    return keras.layers.ReLU(name=f"{name}_relu")(hidden)
