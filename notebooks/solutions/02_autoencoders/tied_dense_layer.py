# Weight tying: TiedDense(encoder_layer, activation, use_bias) computes activation(h @ W1.T (+ b2)),
# where W1 is the kernel of the Dense layer `encoder_layer`; it has no matrix of its own.
# The original recipe below uses it.
class TiedDense(keras.layers.Layer):
    """A decoder layer that reuses the transposed kernel of `encoder_layer`."""

    def __init__(self, encoder_layer, activation=None, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.encoder_layer = encoder_layer
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias

    def build(self, input_shape):
        num_outputs = self.encoder_layer.kernel.shape[0]  # the encoder's number of inputs
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(num_outputs,), initializer="zeros", name="bias")

    def call(self, codes):
        outputs = keras.ops.matmul(codes, keras.ops.transpose(self.encoder_layer.kernel))
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)
