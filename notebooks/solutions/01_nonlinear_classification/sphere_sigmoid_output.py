# Exercise 2: the sphere classifier with one sigmoid output and binary cross-entropy
# (sigmoid_accuracy).
runtime.set_seed(SEED)
sigmoid_model = keras.Sequential([
    keras.Input(shape=(3,)),
    keras.layers.Dense(20, activation="softplus", kernel_regularizer=keras.regularizers.L2(1e-3)),
    keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=keras.regularizers.L2(1e-3)),
])
sigmoid_model.compile(
    optimizer=keras.optimizers.Adam(0.01),
    loss="binary_crossentropy",
    metrics=["accuracy"],
    steps_per_execution=100,
)
fit_full_batch(sigmoid_model, train_x, train_y.astype(np.float32), sphere_steps)
sigmoid_accuracy = sigmoid_model.evaluate(test_x, test_y, verbose=0)[1]
print(f"sigmoid output: {sigmoid_accuracy:.3f}   softmax output: {sphere_test_accuracy:.3f}")
assert abs(sigmoid_accuracy - sphere_test_accuracy) < 0.05
