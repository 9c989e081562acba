# Exercise 2: a linear autoencoder 784-2-784 (no activations), squared error; compare with PCA.
runtime.set_seed(SEED)
linear_autoencoder = keras.Sequential(
    [keras.Input(shape=(784,)), keras.layers.Dense(2), keras.layers.Dense(784)]
)
linear_autoencoder.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mean_squared_error"
)
linear_autoencoder.fit(
    train_images, train_images, batch_size=MNIST_BATCH_SIZE, epochs=2 if FAST else 10, verbose=0
)
linear_mse = float(linear_autoencoder.evaluate(test_images, test_images, verbose=0))
print(
    f"linear autoencoder, code 2: test MSE {linear_mse:.4f}; PCA with 2 components: "
    f"{pca_test_mse[2]:.4f}"
)
# A linear code cannot beat PCA on the training distribution by more than a hair; with few epochs
# (quick mode) it stays further above it. Baseline: the mean image, what a collapsed code outputs.
assert linear_mse < mean_image_mse, f"the linear autoencoder ({linear_mse:.4f}) learned nothing"
assert 0.98 * pca_test_mse[2] <= linear_mse <= (1.15 if FAST else 1.06) * pca_test_mse[2], \
    f"linear autoencoder {linear_mse:.4f} vs PCA {pca_test_mse[2]:.4f}"
