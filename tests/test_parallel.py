"""Tests of helpers.parallel: many small networks side by side in one Keras model."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from helpers import parallel  # noqa: E402


def _random_inputs(batch=5, num_models=4, features=6, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, num_models, features)).astype("float32")


def _set_random_bias(layer, seed=1):
    bias = np.random.default_rng(seed).normal(size=tuple(layer.bias.shape)).astype("float32")
    layer.bias.assign(bias)
    return bias


def test_parallel_dense_shapes_and_weights():
    layer = parallel.ParallelDense(num_models=4, units=3, activation="sigmoid")
    outputs = keras.ops.convert_to_numpy(layer(_random_inputs()))
    assert outputs.shape == (5, 4, 3)
    assert tuple(layer.kernel.shape) == (4, 6, 3)
    assert tuple(layer.bias.shape) == (4, 3)
    assert len(layer.trainable_weights) == 2
    assert np.all((outputs > 0) & (outputs < 1))  # the sigmoid was applied
    assert layer.compute_output_shape((None, 4, 6)) == (None, 4, 3)


def test_parallel_dense_without_bias_has_only_a_kernel():
    layer = parallel.ParallelDense(num_models=2, units=3, use_bias=False)
    layer(_random_inputs(num_models=2))
    assert layer.bias is None
    assert [tuple(weight.shape) for weight in layer.trainable_weights] == [(2, 6, 3)]


@pytest.mark.parametrize("activation", [None, "sigmoid", "softmax"])
def test_each_parallel_model_matches_a_dense_layer_with_the_same_weights(activation):
    inputs = _random_inputs()
    layer = parallel.ParallelDense(num_models=4, units=3, activation=activation)
    layer(inputs)
    bias = _set_random_bias(layer)
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    outputs = keras.ops.convert_to_numpy(layer(inputs))
    for model in range(4):
        single = keras.layers.Dense(3, activation=activation)
        single.build((None, 6))
        single.set_weights([kernel[model], bias[model]])
        expected = keras.ops.convert_to_numpy(single(inputs[:, model]))
        np.testing.assert_allclose(outputs[:, model], expected, rtol=1e-5, atol=1e-6)
    # and the models differ from each other (each has its own kernel)
    assert not np.allclose(outputs[:, 0], outputs[:, 1])


def test_default_initializer_is_per_model_glorot_uniform_and_can_be_replaced():
    layer = parallel.ParallelDense(num_models=50, units=3)
    layer(_random_inputs(num_models=50, features=8))
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    limit = np.sqrt(6 / (8 + 3))
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.8 * limit
    wide = parallel.ParallelDense(num_models=50, units=3, kernel_initializer=keras.initializers.RandomUniform(-1, 1))
    wide(_random_inputs(num_models=50, features=8))
    wide_kernel = keras.ops.convert_to_numpy(wide.kernel)
    assert np.abs(wide_kernel).max() <= 1 and np.abs(wide_kernel).max() > limit


def test_kernel_regularizer_penalises_every_model():
    layer = parallel.ParallelDense(num_models=3, units=2, kernel_regularizer=keras.regularizers.L2(0.5))
    layer(_random_inputs(num_models=3))
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]), 0.5 * np.sum(kernel**2), rtol=1e-5)


def test_tied_decoder_uses_the_transposed_encoder_kernel():
    inputs = _random_inputs()
    encoder = parallel.ParallelDense(num_models=4, units=3, activation="sigmoid")
    codes = encoder(inputs)
    decoder = parallel.ParallelTiedDense(encoder, activation="softmax")
    outputs = keras.ops.convert_to_numpy(decoder(codes))
    assert outputs.shape == (5, 4, 6)
    # the decoder owns only its bias: the matrix is the encoder's (Keras also lists the
    # tracked encoder's weights under the decoder; a model holds each variable once)
    own = [weight for weight in decoder.trainable_weights if all(weight is not e for e in encoder.trainable_weights)]
    assert [tuple(weight.shape) for weight in own] == [(4, 6)]
    bias = _set_random_bias(decoder)
    kernel = keras.ops.convert_to_numpy(encoder.kernel)
    codes = keras.ops.convert_to_numpy(codes)
    outputs = keras.ops.convert_to_numpy(decoder(codes))
    for model in range(4):
        logits = codes[:, model] @ kernel[model].T + bias[model]
        expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(outputs[:, model], expected, rtol=1e-5, atol=1e-6)
    # changing the encoder's kernel changes the decoder: the weights are tied, not copied
    encoder.kernel.assign(np.zeros_like(kernel))
    tied_outputs = keras.ops.convert_to_numpy(decoder(codes))
    expected = np.exp(bias) / np.exp(bias).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(tied_outputs, np.broadcast_to(expected, tied_outputs.shape), rtol=1e-5, atol=1e-6)


def test_tied_decoder_without_bias_has_no_weights_and_gets_gradients_through_the_encoder():
    num_models = 3
    inputs = keras.Input(shape=(num_models, 5))
    encoder = parallel.ParallelDense(num_models, 2, "sigmoid", use_bias=False)
    outputs = parallel.ParallelTiedDense(encoder, "sigmoid", use_bias=False)(encoder(inputs))
    model = keras.Model(inputs, outputs)
    assert len(model.trainable_weights) == 1  # only the shared kernel
    x = parallel.stack_for_models(np.eye(5), num_models)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=parallel.sum_over_models(keras.losses.mean_squared_error))
    before = keras.ops.convert_to_numpy(encoder.kernel).copy()
    first_loss = model.train_on_batch(x, x)
    model.train_on_batch(x, x)
    assert not np.allclose(before, keras.ops.convert_to_numpy(encoder.kernel))
    assert float(model.evaluate(x, x, verbose=0)) < float(first_loss)


def test_summed_loss_trains_each_model_as_if_it_were_alone():
    """The gradient of the summed loss for model m's weights is the gradient of model m's own loss."""
    import tensorflow as tf

    num_models = 3
    x = parallel.stack_for_models(np.eye(8), num_models)
    layer = parallel.ParallelDense(num_models, 8, "softmax")
    loss = parallel.sum_over_models(keras.losses.categorical_crossentropy)
    layer(x)
    with tf.GradientTape() as tape:
        total = loss(x, layer(x))
    gradient = tape.gradient(total, layer.kernel).numpy()
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    for model in range(num_models):
        single = keras.layers.Dense(8, activation="softmax")
        single.build((None, 8))
        single.set_weights([kernel[model], np.zeros(8, "float32")])
        with tf.GradientTape() as tape:
            own = keras.losses.CategoricalCrossentropy()(x[:, model], single(x[:, model]))
        np.testing.assert_allclose(gradient[model], tape.gradient(own, single.kernel).numpy(), rtol=1e-4, atol=1e-6)


def test_sum_over_models_reductions():
    targets = np.zeros((4, 2, 3), "float32")
    outputs = np.ones((4, 2, 3), "float32")
    squared = lambda t, o: keras.ops.sum(keras.ops.square(t - o), axis=-1)  # noqa: E731
    mean_loss = parallel.sum_over_models(squared)(targets, outputs)
    summed_loss = parallel.sum_over_models(squared, reduction="sum")(targets, outputs)
    assert float(mean_loss) == pytest.approx(2 * 3)  # per example: 2 models x 3 outputs
    assert float(summed_loss) == pytest.approx(4 * 2 * 3)


def test_stack_for_models():
    x = np.arange(6).reshape(2, 3)
    stacked = parallel.stack_for_models(x, 4)
    assert stacked.shape == (2, 4, 3) and stacked.dtype == np.float32
    for model in range(4):
        np.testing.assert_array_equal(stacked[:, model], x)


@pytest.mark.parametrize("shape", [(5, 6), (2, 4, 6, 1)])
def test_parallel_dense_rejects_inputs_without_a_model_axis(shape):
    with pytest.raises(ValueError, match="num_models"):
        parallel.ParallelDense(4, 3)(np.zeros(shape, "float32"))


def test_parallel_dense_rejects_a_different_number_of_models():
    with pytest.raises(ValueError, match="holds 4 models"):
        parallel.ParallelDense(4, 3)(np.zeros((5, 3, 6), "float32"))


@pytest.mark.parametrize("bad, error", [(0, ValueError), (2.0, TypeError), (True, TypeError)])
def test_parallel_dense_rejects_bad_sizes(bad, error):
    with pytest.raises(error, match="num_models"):
        parallel.ParallelDense(bad, 3)
    with pytest.raises(error, match="units"):
        parallel.ParallelDense(2, bad)


def test_tied_decoder_rejects_bad_encoders_and_codes():
    with pytest.raises(TypeError, match="ParallelDense"):
        parallel.ParallelTiedDense(keras.layers.Dense(3))
    unbuilt = parallel.ParallelDense(4, 3)
    with pytest.raises(ValueError, match="encoder layer"):
        parallel.ParallelTiedDense(unbuilt)(np.zeros((5, 4, 3), "float32"))
    encoder = parallel.ParallelDense(4, 3)
    encoder(_random_inputs())
    with pytest.raises(ValueError, match="3 features"):
        parallel.ParallelTiedDense(encoder)(np.zeros((5, 4, 2), "float32"))
    with pytest.raises(ValueError, match="holds 4 models"):
        parallel.ParallelTiedDense(encoder)(np.zeros((5, 2, 3), "float32"))


def test_stack_and_loss_reject_bad_arguments():
    with pytest.raises(ValueError, match="shape"):
        parallel.stack_for_models(np.zeros(3), 2)
    with pytest.raises(ValueError, match="num_models"):
        parallel.stack_for_models(np.zeros((2, 3)), 0)
    with pytest.raises(TypeError, match="callable"):
        parallel.sum_over_models("mse")
    with pytest.raises(ValueError, match="reduction"):
        parallel.sum_over_models(keras.losses.mean_squared_error, reduction="mean")
