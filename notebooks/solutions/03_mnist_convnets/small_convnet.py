# Build build_small_convnet() -> keras.Sequential: Conv 32 3x3 ReLU -> max-pool 2 -> Conv 64 3x3
# ReLU -> max-pool 2 -> flatten -> dropout 0.5 -> dense 10 softmax. Later cells call
# build_small_convnet().
def build_small_convnet():
    """The Keras example's "simple MNIST ConvNet"."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ], name="small_convnet")
