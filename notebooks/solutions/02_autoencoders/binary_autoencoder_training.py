# Train full-batch, as in notebook 1: fit_full_batch(model, inputs, targets, num_steps,
# steps_per_epoch=100) -> keras History, one point per steps_per_epoch steps (model.fit on a
# tf.data.Dataset.from_tensors((inputs, targets)).repeat(), shuffle=False, verbose=0).
# Then runtime.set_seed(SEED), build a fresh 8-3-8 autoencoder with decoder_weight_penalty and
# train it for BINARY_STEPS steps inside `with runtime.Timer() as binary_timer:`;
# later cells use `autoencoder`, `encoder`, `history` and `binary_timer`.
def fit_full_batch(model, inputs, targets, num_steps, steps_per_epoch=100):
    """Full-batch training: each of num_steps steps sees the whole (small) data set.

    Returns the keras History, one point per steps_per_epoch steps (num_steps is a multiple)."""
    dataset = tf.data.Dataset.from_tensors((inputs, targets)).repeat()
    return model.fit(dataset, epochs=num_steps // steps_per_epoch, steps_per_epoch=steps_per_epoch,
                     shuffle=False, verbose=0)


runtime.set_seed(SEED)  # the same start as the untrained network above
autoencoder, encoder = build_binary_autoencoder(decoder_weight_penalty=decoder_weight_penalty)
with runtime.Timer() as binary_timer:
    history = fit_full_batch(autoencoder, inputs, inputs, BINARY_STEPS)
print(f"{BINARY_STEPS} steps in {binary_timer.seconds:.1f} s, "
      f"final loss {history.history['loss'][-1]:.4f}")
plotting.plot_history(history);
