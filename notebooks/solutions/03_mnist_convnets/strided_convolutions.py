# Exercise 3: stride-2 convolutions instead of max pooling, compared with run_experiment (validation
# accuracy).
def build_strided_convnet():
    """The small ConvNet with each convolution + pooling replaced by one stride-2 convolution."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])


report("exercise 3", "strided conv instead of pool", *run_experiment(build_strided_convnet))
report("exercise 3", "max pooling (reference)", *run_experiment(build_convnet))
