# Exercise solution: CartPole with the target synchronised every step vs every 500 steps.
for target_update_interval in (1, cartpole_config.target_update_interval):
    config = dataclasses.replace(cartpole_config, total_steps=exercise_steps, learning_starts=500,
                                 target_update_interval=target_update_interval,
                                 epsilon_decay_steps=exercise_steps // 2)
    runtime.set_seed(SEED)
    env = make_cartpole_env()
    shape, actions = env.observation_space.shape, env.action_space.n
    network = build_q_network(shape, actions, config.hidden_units)
    target = build_q_network(shape, actions, config.hidden_units)
    buffer = replay.ReplayBuffer(config.buffer_size, shape, seed=random_streams(SEED)[1])
    optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
    train_dqn(env, network, target, optimizer, buffer, config, progress=False, verbose=False)
    mean_max_q = float(network(buffer.sample(1_000).observations).numpy().max(axis=1).mean())
    mean_return, _ = evaluate(make_cartpole_env(), network, num_episodes=5)
    print(f"target synced every {target_update_interval:>3} steps: mean max Q {mean_max_q:10,.2f}, "
          f"greedy return {mean_return:6.1f}")
    assert math.isfinite(mean_max_q)
