# Build a classifier for 2-D points: build_2d_classifier(hidden_layers, activation, learning_rate)
# -> compiled keras.Model; hidden_layers=() gives the linear model (softmax regression).
# Adam(learning_rate), loss "sparse_categorical_crossentropy", metrics ["accuracy"],
# steps_per_execution=100.
def build_2d_classifier(hidden_layers=(64, 64), activation="relu", learning_rate=0.01):
    """A 2-D classifier with the given hidden layer sizes, a softmax output and Adam."""
    layers = [keras.Input(shape=(2,))]
    layers += [keras.layers.Dense(units, activation=activation) for units in hidden_layers]
    layers += [keras.layers.Dense(2, activation="softmax")]
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=100)
    return model
