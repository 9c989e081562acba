# Build the Q-network: build_q_network(observation_shape, num_actions, hidden_units, name, conv)
# -> keras.Model mapping a batch of observations to one Q-value per action. Frames: input
# uint8 (4, 84, 84), Permute((2, 3, 1)) to channels last, Rescaling(1 / 255), then
# conv="nature": Conv2D 32 8x8 stride 4, 64 4x4 stride 2, 64 3x3 stride 1; conv="2013": 16 8x8
# stride 4, 32 4x4 stride 2 (padding "valid", ReLU), Flatten. Vectors: input float32. Then a
# Dense ReLU layer per hidden_units entry and a linear Dense(num_actions). num_actions may be
# a NumPy integer (env.action_space.n gives one): Dense needs a Python int. The last Dense is
# dtype="float32", so the Q-values are float32 also when the layers compute in bfloat16.
def build_q_network(observation_shape, num_actions, hidden_units=(512,), name="q_network",
                    conv="nature"):
    """Q(s, .; theta): a DQN ConvNet for (4, 84, 84) uint8 stacks, else an MLP."""
    observation_shape = tuple(int(size) for size in observation_shape)
    num_actions = int(num_actions)
    if len(observation_shape) == 3:  # a stack of frames
        inputs = keras.Input(shape=observation_shape, dtype="uint8")
        x = keras.layers.Permute((2, 3, 1))(inputs)  # (4, 84, 84) -> (84, 84, 4): frames last
        x = keras.layers.Rescaling(1.0 / 255.0)(x)  # grey levels 0..255 -> 0..1, as floats
        layers = {"nature": [(32, 8, 4), (64, 4, 2), (64, 3, 1)], "2013": [(16, 8, 4), (32, 4, 2)]}
        for filters, size, stride in layers[conv]:
            x = keras.layers.Conv2D(filters, size, strides=stride, activation="relu")(x)
        x = keras.layers.Flatten()(x)
    else:  # a small vector state
        inputs = keras.Input(shape=observation_shape, dtype="float32")
        x = inputs
    for units in hidden_units:
        x = keras.layers.Dense(units, activation="relu")(x)
    q_values = keras.layers.Dense(num_actions, dtype="float32")(x)  # one linear output per action
    return keras.Model(inputs, q_values, name=name)
