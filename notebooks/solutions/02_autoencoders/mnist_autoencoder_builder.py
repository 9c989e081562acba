# Build the MNIST autoencoder: build_mnist_autoencoder(code_size) -> (autoencoder, encoder),
# 784-256-128-code-128-256-784, ReLU hidden layers, linear code, sigmoid outputs, loss
# "mean_squared_error", Adam(learning_rate=1e-3); Sequential([encoder, decoder]). The training cell
# below builds one per code size; exercise 3 uses the decoder, autoencoder.layers[1].
def build_mnist_autoencoder(code_size):
    """A compiled MNIST autoencoder, Sequential([encoder, decoder]), and its encoder."""
    mnist_encoder = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(code_size),                 # the code: linear, unbounded
    ], name=f"encoder_{code_size}")
    mnist_decoder = keras.Sequential([
        keras.Input(shape=(code_size,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(784, activation="sigmoid"),  # pixels in [0, 1]
    ], name=f"decoder_{code_size}")
    mnist_autoencoder = keras.Sequential([mnist_encoder, mnist_decoder],
                                         name=f"autoencoder_{code_size}")
    mnist_autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                              loss="mean_squared_error")
    return mnist_autoencoder, mnist_encoder
