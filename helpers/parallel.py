"""Many small networks trained side by side in one Keras model (notebook 2's seed experiments).

The 8-3-8 autoencoders of notebook 2 are tiny, so training fifty of them one after the
other spends nearly all the time in per-model overhead. Here every weight matrix gets a
leading "model" axis, one slice per network, and `einsum` multiplies each network's input
by its own slice:

    inputs  (batch, num_models, in)  ->  outputs (batch, num_models, units)

No weight is shared between the networks, so when the loss is the *sum* of the networks'
losses (`sum_over_models`), the gradient for each network's weights is exactly the gradient
of its own loss, and each network trains as if it were alone (SGD and Adam work weight by
weight). `stack_for_models` makes the (batch, num_models, features) input from one data set.
"""

from __future__ import annotations

import keras
import numpy as np

from helpers.checks import check_int

__all__ = ["ParallelDense", "ParallelTiedDense", "stack_for_models", "sum_over_models"]


def _check_parallel_input(layer_name: str, input_shape, num_models: int, features: int | None = None) -> None:
    if len(input_shape) != 3:
        raise ValueError(f"{layer_name} expects inputs of shape (batch, num_models, features), "
                         f"got shape {tuple(input_shape)}; stack one data set with stack_for_models(x, num_models)")
    if input_shape[1] is not None and input_shape[1] != num_models:
        raise ValueError(f"{layer_name} holds {num_models} models but the inputs have {input_shape[1]} "
                         f"on axis 1 (shape {tuple(input_shape)})")
    if features is not None and input_shape[2] is not None and input_shape[2] != features:
        raise ValueError(f"{layer_name} expects {features} features per model, got {input_shape[2]} "
                         f"(shape {tuple(input_shape)})")


class ParallelDense(keras.layers.Layer):
    """`num_models` independent dense layers: (batch, num_models, in) -> (batch, num_models, units).

    Model m computes `activation(inputs[:, m] @ kernel[m] + bias[m])`, the same as a
    `keras.layers.Dense(units)` whose kernel is `kernel[m]` and whose bias is `bias[m]`.
    `kernel_initializer` defaults to Glorot uniform computed per model (as `Dense` uses);
    a `kernel_regularizer` penalises each model's kernel, summed over the models.
    """

    def __init__(self, num_models, units, activation=None, use_bias=True, kernel_initializer=None,
                 kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.num_models = check_int("num_models", num_models)
        self.units = check_int("units", units)
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.kernel_regularizer = kernel_regularizer

    def build(self, input_shape):
        _check_parallel_input("ParallelDense", input_shape, self.num_models)
        fan_in = input_shape[-1]
        if fan_in is None:
            raise ValueError("ParallelDense needs a known number of input features (the last axis)")
        initializer = self.kernel_initializer
        if initializer is None:
            limit = float(np.sqrt(6 / (fan_in + self.units)))  # Glorot uniform of one (fan_in, units) matrix
            initializer = keras.initializers.RandomUniform(-limit, limit)
        self.kernel = self.add_weight(shape=(self.num_models, fan_in, self.units), name="kernel",
                                      initializer=initializer, regularizer=self.kernel_regularizer)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.num_models, self.units), initializer="zeros", name="bias")

    def call(self, inputs):
        outputs = keras.ops.einsum("bmi,miu->bmu", inputs, self.kernel)  # model m uses its own kernel[m]
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_models, self.units)


class ParallelTiedDense(keras.layers.Layer):
    """Decoders with tied weights: model m computes `activation(codes[:, m] @ encoder_kernel[m].T + bias[m])`.

    `encoder_layer` is the `ParallelDense` whose kernel, transposed, this layer uses; the
    layer has no weight matrix of its own, only an optional bias (one per model and output).
    """

    def __init__(self, encoder_layer, activation=None, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(encoder_layer, ParallelDense):
            raise TypeError(f"encoder_layer must be a ParallelDense layer, got {type(encoder_layer).__name__}")
        self.encoder_layer = encoder_layer
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)

    def build(self, input_shape):
        if not self.encoder_layer.built:
            raise ValueError("call the encoder layer before the tied decoder, so that its kernel exists")
        num_models, input_size, units = self.encoder_layer.kernel.shape
        _check_parallel_input("ParallelTiedDense", input_shape, num_models, features=units)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(num_models, input_size), initializer="zeros", name="bias")

    def call(self, codes):
        outputs = keras.ops.einsum("bmu,miu->bmi", codes, self.encoder_layer.kernel)  # kernel[m] transposed
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.encoder_layer.num_models, self.encoder_layer.kernel.shape[1])


def stack_for_models(x, num_models: int) -> np.ndarray:
    """The same data set for every model: (batch, features) -> (batch, num_models, features), float32."""
    num_models = check_int("num_models", num_models)
    x = np.asarray(x, dtype="float32")
    if x.ndim != 2:
        raise ValueError(f"x must have shape (batch, features), got shape {x.shape}")
    return np.repeat(x[:, None, :], num_models, axis=1)


class _SumOverModels(keras.losses.Loss):
    def __init__(self, loss_function, reduction, name):
        super().__init__(reduction=reduction, name=name)
        self.loss_function = loss_function

    def call(self, targets, outputs):
        per_model = self.loss_function(targets, outputs)  # (batch, num_models)
        return keras.ops.sum(per_model, axis=-1)


def sum_over_models(loss_function, reduction: str = "sum_over_batch_size") -> keras.losses.Loss:
    """A Keras loss for parallel models: the sum over the models of `loss_function`'s values.

    `loss_function(targets, outputs)` takes (batch, num_models, features) arrays and returns
    one loss per example and model, shape (batch, num_models), as Keras' built-in loss
    functions (e.g. `keras.losses.categorical_crossentropy`) do. Summing over the models keeps
    each model's gradient unscaled. `reduction` says how the batch is reduced: the mean
    ("sum_over_batch_size", Keras' default) or the sum ("sum").
    """
    if not callable(loss_function):
        raise TypeError(f"loss_function must be callable, got {type(loss_function).__name__}")
    if reduction not in ("sum_over_batch_size", "sum"):
        raise ValueError(f"reduction must be 'sum_over_batch_size' (mean over the batch) or 'sum', got {reduction!r}")
    name = getattr(loss_function, "__name__", "loss")
    return _SumOverModels(loss_function, reduction, name=f"{name}_summed_over_models")
