# Exercise 3: the spirals with noise 0.2 next to the clean ones (noise 0.05): training and test
# accuracy of the MLP.
noisy_accuracies = {}
for noise in [0.05, 0.2]:
    runtime.set_seed(SEED)
    noisy_x, noisy_y = data.make_2d_dataset("spirals", n=num_points_2d, noise=noise, seed=SEED)
    noisy_test_x, noisy_test_y = data.make_2d_dataset(
        "spirals", n=5000, noise=noise, seed=SEED + 100
    )
    noisy_model = build_2d_classifier((64, 64))
    fit_full_batch(noisy_model, noisy_x, noisy_y, steps_2d)
    noisy_accuracies[noise] = (noisy_model.evaluate(noisy_x, noisy_y, verbose=0)[1],
                               noisy_model.evaluate(noisy_test_x, noisy_test_y, verbose=0)[1])
    print(
        f"noise {noise:4}: train {noisy_accuracies[noise][0]:.3f}, test "
        f"{noisy_accuracies[noise][1]:.3f}"
    )
print(
    f"test accuracy lost to the noise: {noisy_accuracies[0.05][1] - noisy_accuracies[0.2][1]:.3f}"
)
# The arms' points now overlap: some points of one class lie where the other class
# is more likely. No classifier can label those right (the Bayes error), and a network
# that fits them anyway (train accuracy >> test accuracy) is overfitting.
