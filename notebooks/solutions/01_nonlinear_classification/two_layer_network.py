# Build a 2-16-2 ReLU network from raw variables: hidden_units = 16 (the Keras model below reuses it),
# W1, b1, W2, b2 (Glorot-uniform weights seeded with SEED, zero biases; listed in `parameters`)
# and forward(points) -> logits. Later cells check its gradients and train it.
hidden_units = 16
initializer = keras.initializers.GlorotUniform(seed=SEED)
W1 = tf.Variable(initializer((2, hidden_units)))
b1 = tf.Variable(tf.zeros(hidden_units))
W2 = tf.Variable(initializer((hidden_units, 2)))
b2 = tf.Variable(tf.zeros(2))
parameters = [W1, b1, W2, b2]


def forward(points):
    """The logits Z = relu(X W1 + b1) W2 + b2 for a batch of points (the softmax is inside the loss)."""
    hidden = tf.nn.relu(points @ W1 + b1)
    return hidden @ W2 + b2
