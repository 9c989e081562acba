# Exercise 3: the spirals with noise 0.2; compare training and test accuracy of the MLP.
runtime.set_seed(SEED)
noisy_x, noisy_y = data.make_2d_dataset("spirals", n=num_points_2d, noise=0.2, seed=SEED)
noisy_test_x, noisy_test_y = data.make_2d_dataset("spirals", n=5000, noise=0.2, seed=SEED + 100)
noisy_model = build_2d_classifier((64, 64))
fit_full_batch(noisy_model, noisy_x, noisy_y, steps_2d)
print(f"noise 0.2: train {noisy_model.evaluate(noisy_x, noisy_y, verbose=0)[1]:.3f}, "
      f"test {noisy_model.evaluate(noisy_test_x, noisy_test_y, verbose=0)[1]:.3f}")
# The arms' points now overlap: some points of one class lie where the other class
# is more likely. No classifier can label those right (the Bayes error), and a network
# that fits them anyway (train accuracy >> test accuracy) is overfitting.
