# Build the Q-network: build_q_network(observation_shape, num_actions, hidden_units, name) -> keras.Model
# mapping a batch of observations to one Q-value per action (Nature ConvNet for frames, MLP for vectors).
def build_q_network(observation_shape, num_actions, hidden_units=(512,), name="q_network"):
    """Q(s, .; theta): the Nature DQN ConvNet for (4, 84, 84) uint8 stacks, else an MLP."""
    observation_shape, num_actions = tuple(int(size) for size in observation_shape), int(num_actions)
    if len(observation_shape) == 3:  # a stack of frames
        inputs = keras.Input(shape=observation_shape, dtype="uint8")
        x = keras.layers.Permute((2, 3, 1))(inputs)  # (4, 84, 84) -> (84, 84, 4): frames as channels
        x = keras.layers.Rescaling(1.0 / 255.0)(x)  # grey levels 0..255 -> 0..1 (and uint8 -> float32)
        x = keras.layers.Conv2D(32, 8, strides=4, activation="relu")(x)
        x = keras.layers.Conv2D(64, 4, strides=2, activation="relu")(x)
        x = keras.layers.Conv2D(64, 3, strides=1, activation="relu")(x)
        x = keras.layers.Flatten()(x)
    else:  # a small vector state
        inputs = keras.Input(shape=observation_shape, dtype="float32")
        x = inputs
    for units in hidden_units:
        x = keras.layers.Dense(units, activation="relu")(x)
    q_values = keras.layers.Dense(num_actions)(x)  # one linear output per action
    return keras.Model(inputs, q_values, name=name)
