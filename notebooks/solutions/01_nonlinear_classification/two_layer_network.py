# Build a 2-16-2 ReLU network from raw variables: hidden_units = 16 (the Keras model below reuses
# it), W1, b1, W2, b2: float32 tf.Variables; one initializer =
# keras.initializers.GlorotUniform(seed=SEED) called for W1, then for W2; zero biases; parameters =
# [W1, b1, W2, b2]. forward(points) takes a float32 (n, 2) array and returns the (n, 2) logits (no
# softmax). Later cells check its gradients and train it.
hidden_units = 16
initializer = keras.initializers.GlorotUniform(seed=SEED)
W1 = tf.Variable(initializer((2, hidden_units)))
b1 = tf.Variable(tf.zeros(hidden_units))
W2 = tf.Variable(initializer((hidden_units, 2)))
b2 = tf.Variable(tf.zeros(2))
parameters = [W1, b1, W2, b2]


def forward(points):
    """The logits Z = relu(X W1 + b1) W2 + b2 for a batch of points (the softmax is inside the
    loss)."""
    hidden = tf.nn.relu(points @ W1 + b1)
    return hidden @ W2 + b2
