# Build the n-k-n "learn binary" autoencoder: build_binary_autoencoder(num_inputs, code_size, ...)
# -> (autoencoder, encoder). Sigmoid code, softmax decoder with keras.regularizers.L2(
# decoder_weight_penalty) on its kernel (none when 0), loss "categorical_crossentropy",
# Adam(learning_rate), steps_per_execution=100; autoencoder = Sequential([encoder, decoder]).
# Later cells train it and read the codes from `encoder`.
def build_binary_autoencoder(num_inputs=8, code_size=3, decoder_weight_penalty=1e-4,
                             learning_rate=0.05):
    """A compiled num_inputs-code_size-num_inputs autoencoder and its encoder."""
    encoder = keras.Sequential([keras.Input(shape=(num_inputs,)),
                                keras.layers.Dense(code_size, activation="sigmoid")],
                               name="encoder")
    regularizer = keras.regularizers.L2(decoder_weight_penalty) if decoder_weight_penalty else None
    decoder = keras.Sequential([keras.Input(shape=(code_size,)),
                                keras.layers.Dense(num_inputs, activation="softmax",
                                                   kernel_regularizer=regularizer)],
                               name="decoder")
    autoencoder = keras.Sequential([encoder, decoder],
                                   name=f"autoencoder_{num_inputs}_{code_size}_{num_inputs}")
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                        loss="categorical_crossentropy", steps_per_execution=100)
    return autoencoder, encoder
