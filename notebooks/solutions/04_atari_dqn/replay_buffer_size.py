# Exercise solution: CartPole with a replay buffer of the last 500 transitions vs one that
# keeps them all.
for buffer_size in (500, exercise_steps):
    config = dataclasses.replace(cartpole_config, total_steps=exercise_steps,
                                 buffer_size=buffer_size,
                                 learning_starts=min(500, cartpole_config.learning_starts),
                                 epsilon_decay_steps=exercise_steps // 2)
    runtime.set_seed(SEED)
    env = make_cartpole_env()
    shape, actions = env.observation_space.shape, env.action_space.n
    network = build_q_network(shape, actions, config.hidden_units)
    target = build_q_network(shape, actions, config.hidden_units)
    buffer = replay.ReplayBuffer(buffer_size, shape, seed=random_streams(SEED)[1])
    optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
    log, _ = train_dqn(env, network, target, optimizer, buffer, config, progress=False,
                       verbose=False)
    mean_return, _ = evaluate(make_cartpole_env(), network, num_episodes=5)
    print(f"buffer of {buffer_size:>6,}: last 10 training episodes "
          f"{np.mean(log['episode_return'][-10:]):6.1f}, greedy return {mean_return:6.1f}")
