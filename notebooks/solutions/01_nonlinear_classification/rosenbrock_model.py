# Build the regression network: build_rosenbrock_model() -> compiled keras.Model,
# 2 -> 64 -> 64 -> 1 with tanh hidden units, a linear output and the squared-error loss ("mse"),
# Adam(learning_rate), steps_per_execution=50.
def build_rosenbrock_model(hidden_units=64, learning_rate=0.01):
    """A 2 -> hidden_units -> hidden_units -> 1 regression network with a linear output and squared
    error."""
    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(hidden_units, activation="tanh"),
        keras.layers.Dense(hidden_units, activation="tanh"),
        keras.layers.Dense(1),  # linear output for regression
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse",
                  steps_per_execution=50)
    return model
