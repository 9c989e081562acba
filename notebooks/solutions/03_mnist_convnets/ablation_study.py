# Exercise 5: the final model with one ingredient removed at a time; validation accuracy after a
# short run.
def build_ablation_model(augment=True, batch_norm=True, dropout_rate=0.25):
    """build_final_model with switches: no augmentation, no batch norm (biases instead), other
    dropout. Batch-norm momentum 0.9 in every variant: these short runs' ~160 steps are too few for
    0.99 (0.99**158 = 0.2)."""
    hidden = inputs = keras.Input((28, 28, 1))
    if augment:
        hidden = build_augmentation()(hidden)
    for filters, pool in [(32, True), (64, False), (64, True)]:
        hidden = keras.layers.Conv2D(filters, 3, use_bias=not batch_norm)(hidden)
        hidden = keras.layers.MaxPooling2D(2)(hidden) if pool else hidden
        hidden = keras.layers.BatchNormalization(momentum=0.9)(hidden) if batch_norm else hidden
        hidden = keras.layers.ReLU()(hidden)
    hidden = keras.layers.Dropout(dropout_rate)(keras.layers.Flatten()(hidden))
    hidden = keras.layers.Dense(128, use_bias=not batch_norm)(hidden)
    hidden = keras.layers.BatchNormalization(momentum=0.9)(hidden) if batch_norm else hidden
    hidden = keras.layers.Dropout(dropout_rate)(keras.layers.ReLU()(hidden))
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(hidden))


ablation_steps = EXPERIMENT_EPOCHS * int(np.ceil(EXPERIMENT_TRAIN / 128))
variants = [
    ("full recipe", {}, True, True),
    ("no augmentation", {"augment": False}, True, True),
    ("no batch norm", {"batch_norm": False}, True, True),
    ("no dropout", {"dropout_rate": 0.0}, True, True),
    ("no label smoothing", {}, False, True),
    ("constant lr 0.001", {}, True, False),
]
# quick run: two variants
for name, switches, smoothing, scheduled in (variants[:2] if FAST else variants):
    loss = smoothed_crossentropy if smoothing else "sparse_categorical_crossentropy"
    optimizer = keras.optimizers.Adam(
        make_learning_rate_schedule(ablation_steps) if scheduled else 1e-3
    )
    report(
        "ablation",
        name,
        *run_experiment(lambda: build_ablation_model(**switches), optimizer=optimizer, loss=loss)
    )
