# Train full-batch: fit_full_batch(model, x, y, num_steps) -> keras History (one point per 100 steps).
# Then, seeded with SEED, train a fresh 8-3-8 autoencoder for BINARY_STEPS steps inside
# `with runtime.Timer() as binary_timer:`; later cells use `autoencoder`, `encoder`, `binary_timer`.
def fit_full_batch(model, x, y, num_steps, steps_per_epoch=100):
    """Gradient descent on the whole (small) data set at every step."""
    dataset = tf.data.Dataset.from_tensors((x, y)).repeat()
    return model.fit(dataset, epochs=num_steps // steps_per_epoch, steps_per_epoch=steps_per_epoch, verbose=0)


runtime.set_seed(SEED)  # the same start as the untrained network above
autoencoder, encoder = build_binary_autoencoder(decoder_weight_penalty=decoder_weight_penalty)
with runtime.Timer() as binary_timer:
    history = fit_full_batch(autoencoder, inputs, inputs, BINARY_STEPS)
print(f"{BINARY_STEPS} steps in {binary_timer.seconds:.1f} s, final loss {history.history['loss'][-1]:.4f}")
plotting.plot_history(history);
