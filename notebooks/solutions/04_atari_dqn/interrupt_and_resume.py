# Exercise solution: train CartPole to 1,000 steps with checkpoints, then call again with 1,500
# (it resumes).
resume_config = dataclasses.replace(cartpole_config, total_steps=1_500, learning_starts=500,
                                    checkpoint_interval=500)
resume_path = pathlib.Path(tempfile.mkdtemp(prefix="dqn-exercise-")) / "resume.ckpt.npz"  # fresh
for total_steps in (1_000, 1_500):  # the second call resumes at step 1,000
    config = dataclasses.replace(resume_config, total_steps=total_steps)
    runtime.set_seed(SEED)
    env = make_cartpole_env()
    shape, actions = env.observation_space.shape, env.action_space.n
    network = build_q_network(shape, actions, config.hidden_units)
    target = build_q_network(shape, actions, config.hidden_units)
    buffer = replay.ReplayBuffer(config.buffer_size, shape, seed=random_streams(SEED)[1])
    optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
    log, buffer = train_dqn(env, network, target, optimizer, buffer, config,
                            checkpoint_path=resume_path, progress=False)
    print(f"total_steps={total_steps}: log ends at step {log['step'][-1]}, "
          f"buffer {len(buffer)} transitions")
assert log["step"][-1] == 1_500 and len(buffer) == 1_500
