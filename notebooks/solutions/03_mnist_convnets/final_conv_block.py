# Build conv_block(inputs, filters, pool, name) -> tensor (a Keras functional-API tensor), the
# final model's building block: Conv2D(filters, 3, use_bias=False), padding "valid" (the default;
# "same" would give 459,434 parameters instead of 189,098 and train 56 % longer), named
# f"{name}_conv" -> [if pool: MaxPooling2D(2), f"{name}_pool"] -> BatchNormalization(
# momentum=BATCH_NORM_MOMENTUM, f"{name}_bn") -> ReLU (f"{name}_relu").
# build_final_model (next cell) stacks three; section 7 uses the names.
def conv_block(inputs, filters, pool, name):
    """Conv 3x3 (no bias: batch norm has one) -> [max pool] -> batch norm -> ReLU.

    BATCH_NORM_MOMENTUM 0.99 (Keras' default) in a full run: the running averages used at test time
    follow the last ~100 steps. The quick run's 94 steps would leave them 40 % at their start values
    (0.99**94 = 0.39), so it uses 0.9 (the last ~10 steps)."""
    hidden = keras.layers.Conv2D(filters, 3, use_bias=False, name=f"{name}_conv")(inputs)
    if pool:
        hidden = keras.layers.MaxPooling2D(2, name=f"{name}_pool")(hidden)
    hidden = keras.layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM,
                                             name=f"{name}_bn")(hidden)
    return keras.layers.ReLU(name=f"{name}_relu")(hidden)
