# Exercise solution: CartPole with and without double DQN; sets exercise_steps (later exercises
# use it) and overestimation = {double_dqn: mean max_a Q(s, a) over replayed states}.
exercise_steps = 2_000 if FAST else 20_000
overestimation = {}
for double_dqn in (False, True):
    config = dataclasses.replace(cartpole_config, total_steps=exercise_steps, double_dqn=double_dqn,
                                 learning_starts=500, epsilon_decay_steps=exercise_steps // 2)
    runtime.set_seed(SEED)
    env = make_cartpole_env()
    shape, actions = env.observation_space.shape, env.action_space.n
    network = build_q_network(shape, actions, config.hidden_units)
    target = build_q_network(shape, actions, config.hidden_units)
    buffer = replay.ReplayBuffer(config.buffer_size, shape, seed=random_streams(SEED)[1])
    optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
    train_dqn(env, network, target, optimizer, buffer, config, progress=False, verbose=False)
    states = buffer.sample(1_000).observations
    overestimation[double_dqn] = float(network(states).numpy().max(axis=1).mean())
    mean_return, _ = evaluate(make_cartpole_env(), network, num_episodes=5)
    print(f"double_dqn={double_dqn}: mean max Q {overestimation[double_dqn]:.2f} "
          f"(at most 100 is possible), greedy return {mean_return:.1f}")
assert all(math.isfinite(value) for value in overestimation.values())
