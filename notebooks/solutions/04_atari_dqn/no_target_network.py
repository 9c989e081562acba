# Exercise solution: CartPole with the target synchronised every step vs every 500 steps.
for target_update_interval in (1, cartpole_config.target_update_interval):
    config = dataclasses.replace(cartpole_config, total_steps=exercise_steps, target_update_interval=target_update_interval,
                                 learning_starts=500, epsilon_decay_steps=exercise_steps // 2)
    runtime.set_seed(SEED)
    env = make_cartpole_env()
    network = build_q_network(env.observation_space.shape, env.action_space.n, config.hidden_units)
    target = build_q_network(env.observation_space.shape, env.action_space.n, config.hidden_units)
    buffer = replay.ReplayBuffer(config.buffer_size, env.observation_space.shape, seed=SEED)
    train_dqn(env, network, target, keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon), buffer, config,
              progress=False, verbose=False)
    mean_max_q = float(network(buffer.sample(1_000).observations).numpy().max(axis=1).mean())
    mean_return, _ = evaluate(make_cartpole_env(), network, num_episodes=5)
    print(f"target synced every {target_update_interval:>3} steps: mean max Q {mean_max_q:6.2f}, "
          f"greedy return {mean_return:6.1f}")
    assert math.isfinite(mean_max_q)
