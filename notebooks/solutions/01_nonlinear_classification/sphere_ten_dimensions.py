# Exercise 4: "inside the unit ball?" in 10 dimensions from 100 and from 1000 points.
runtime.set_seed(SEED)
for num_points in [100, 1000]:
    points_10d, labels_10d = data.sphere_points(num_points, dim=10, seed=SEED)
    test_points_10d, test_labels_10d = data.sphere_points(5000, dim=10, seed=SEED + 1)
    model_10d = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(20, activation="softplus"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model_10d.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], steps_per_execution=100)
    fit_full_batch(model_10d, points_10d, labels_10d, 500 if FAST else 2000)
    print(
        f"10-D, {num_points} points: test accuracy "
        f"{model_10d.evaluate(test_points_10d, test_labels_10d, verbose=0)[1]:.3f}"
    )
# The boundary is a 9-dimensional surface: covering it takes far more examples
# than covering the 2-D surface of the 3-D sphere (the curse of dimensionality).
