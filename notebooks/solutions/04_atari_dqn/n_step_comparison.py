# Exercise solution: n_step=1 against n_step=3 on the same budget (both from the same seed).
n_step_budget = 4_000 if FAST else 40_000
for n_step in (1, 3):
    config = dataclasses.replace(
        atari_config, total_steps=n_step_budget, n_step=n_step, max_training_seconds=None,
        learning_starts=min(atari_defaults.learning_starts, n_step_budget // 4), seed=SEED,
        epsilon_decay_steps=min(atari_defaults.epsilon_decay_steps, n_step_budget // 2),
        eval_interval_seconds=10**9)
    runtime.set_seed(SEED)
    options = {"hidden_units": config.hidden_units, "conv": config.network}
    network = build_q_network((4, 84, 84), num_actions, **options)
    target = build_q_network((4, 84, 84), num_actions, **options)
    buffer = replay.AtariVectorReplayBuffer(config.buffer_size, config.num_envs, n_step=n_step,
                                            gamma=config.gamma, seed=random_streams(SEED)[1],
                                            verbose=False)
    optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
    log, buffer = train_dqn_vector(atari_env, network, target, optimizer, buffer, config,
                                   progress=False)
    mean_max_q = float(network(buffer.sample(512).observations).numpy().max(axis=1).mean())
    scores = evaluate_games(atari_eval_env, network, seed=SEED + 40_000)
    print(f"n_step={n_step}: mean score {np.mean(scores):+.1f}, mean max Q {mean_max_q:+.3f}")
    assert math.isfinite(mean_max_q)
