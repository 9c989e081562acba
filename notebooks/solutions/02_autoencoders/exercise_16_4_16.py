# Exercise 1: the 16-4-16 "learn binary" over NUM_SEEDS seeds, with the recommended set-up.
# One call of run_binary_experiment; rate_16 = share of seeds with a clean 4-bit code.
perfect_16, binary_16, _ = run_binary_experiment(
    NUM_SEEDS,
    BINARY_STEPS,
    num_inputs=16,
    code_units=4,
    decoder_weight_penalty=decoder_weight_penalty,
)
rate_16 = float(np.mean(perfect_16 & binary_16))
print(
    f"16-4-16: perfect reconstruction in {perfect_16.mean():.0%} of seeds, clean 4-bit code in "
    f"{rate_16:.0%}"
)
