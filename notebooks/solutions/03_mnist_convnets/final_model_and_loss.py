# Build build_final_model() -> keras.Model named "modern_convnet": build_augmentation() ->
# conv_block 32 (pool, "block1") -> conv_block 64 ("block2") -> conv_block 64 (pool, "block3") ->
# flatten -> dropout 0.25 -> dense 128 (no bias) -> batch norm (BATCH_NORM_MOMENTUM) -> ReLU ->
# dropout 0.25 -> dense 10 softmax; and smoothed_crossentropy(labels, probabilities): cross-entropy
# against one-hot targets smoothed by LABEL_SMOOTHING.
def build_final_model():
    """Augmentation -> three conv blocks -> dropout -> dense 128 (batch norm, ReLU) -> dropout ->
    softmax."""
    inputs = keras.Input((28, 28, 1))
    hidden = build_augmentation()(inputs)                         # active in fit only
    hidden = conv_block(hidden, 32, pool=True, name="block1")    # 28 -> 26 -> 13
    hidden = conv_block(hidden, 64, pool=False, name="block2")   # 13 -> 11
    hidden = conv_block(hidden, 64, pool=True, name="block3")    # 11 -> 9 -> 4
    hidden = keras.layers.Flatten()(hidden)                       # 4 * 4 * 64 = 1024 features
    hidden = keras.layers.Dropout(0.25)(hidden)
    # a small dense layer, batch-normalised
    hidden = keras.layers.Dense(128, use_bias=False)(hidden)
    hidden = keras.layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM)(hidden)
    hidden = keras.layers.ReLU()(hidden)
    hidden = keras.layers.Dropout(0.25)(hidden)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    return keras.Model(inputs, outputs, name="modern_convnet")


def smoothed_crossentropy(labels, probabilities):
    """Cross-entropy against smoothed one-hot targets; labels are class numbers, as for the other
    models."""
    targets = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(labels, (-1,)), "int32"), 10)
    return keras.losses.categorical_crossentropy(targets, probabilities,
                                                 label_smoothing=LABEL_SMOOTHING)
