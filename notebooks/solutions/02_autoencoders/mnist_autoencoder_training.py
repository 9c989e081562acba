# Train one MNIST autoencoder per code size on the training images, with the validation images
# for the learning curves (never the test set); then score each once on the test set.
# Seed with SEED before building each model; time the loop with `runtime.Timer() as mnist_timer`.
# Later cells use mnist_autoencoders, mnist_encoders, mnist_histories (the fit histories),
# autoencoder_test_mse, autoencoder_reconstructions and mnist_timer.
mnist_autoencoders, mnist_encoders, mnist_histories = {}, {}, {}
autoencoder_test_mse, autoencoder_reconstructions = {}, {}
with runtime.Timer() as mnist_timer:
    for code_size in code_sizes:
        runtime.set_seed(SEED)
        mnist_autoencoders[code_size], mnist_encoders[code_size] = build_mnist_autoencoder(
            code_size)
        print(f"code size {code_size}:")
        mnist_histories[code_size] = mnist_autoencoders[code_size].fit(
            train_images, train_images, batch_size=MNIST_BATCH_SIZE, epochs=MNIST_EPOCHS,
            validation_data=(validation_images, validation_images), verbose=2)
        autoencoder_reconstructions[code_size] = mnist_autoencoders[code_size].predict(
            test_images, verbose=0)
        autoencoder_test_mse[code_size] = float(
            np.mean((test_images - autoencoder_reconstructions[code_size]) ** 2))
print(f"MNIST autoencoders trained in {mnist_timer.seconds:.0f} s")
