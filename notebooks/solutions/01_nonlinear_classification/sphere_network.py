# Build the 3-20-2 sphere classifier: build_sphere_classifier(...) -> compiled keras.Model
# (softmax output, loss "sparse_categorical_crossentropy", metrics ["accuracy"],
# steps_per_execution=100; keras.regularizers.L2(weight_decay) on both Dense kernels, none when
# weight_decay is 0). The experiments call it with other options (signature below).
def build_sphere_classifier(hidden_units=20, activation="softplus", learning_rate=0.01,
                            weight_decay=1e-3, optimizer="adam"):
    """A 3-hidden_units-2 classifier; optimizer is "sgd" (plain gradient descent), "momentum",
    "rmsprop" or "adam"."""
    regularizer = keras.regularizers.L2(weight_decay) if weight_decay else None
    model = keras.Sequential([
        keras.Input(shape=(3,)),
        keras.layers.Dense(hidden_units, activation=activation, kernel_regularizer=regularizer),
        keras.layers.Dense(2, activation="softmax", kernel_regularizer=regularizer),
    ])
    optimizers = {"sgd": keras.optimizers.SGD,
                  "momentum": lambda rate: keras.optimizers.SGD(rate, momentum=0.9),
                  "rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam}
    model.compile(optimizer=optimizers[optimizer](learning_rate),
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=100)
    return model
