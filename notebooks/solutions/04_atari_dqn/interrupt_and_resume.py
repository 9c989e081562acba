# Exercise solution: train CartPole to 1,000 steps with checkpoints, then call again with 1,500 (it resumes).
resume_config = dataclasses.replace(cartpole_config, total_steps=1_500, learning_starts=500, checkpoint_interval=500)
resume_path = pathlib.Path(tempfile.mkdtemp(prefix="dqn-exercise-")) / "resume.ckpt.npz"  # a fresh folder each run
for total_steps in (1_000, 1_500):  # the second call resumes at step 1,000
    config = dataclasses.replace(resume_config, total_steps=total_steps)
    runtime.set_seed(SEED)
    env = make_cartpole_env()
    network = build_q_network(env.observation_space.shape, env.action_space.n, config.hidden_units)
    target = build_q_network(env.observation_space.shape, env.action_space.n, config.hidden_units)
    buffer = replay.ReplayBuffer(config.buffer_size, env.observation_space.shape, seed=SEED)
    log, buffer = train_dqn(env, network, target, keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon), buffer, config,
                            checkpoint_path=resume_path, progress=False)
    print(f"total_steps={total_steps}: log ends at step {log['step'][-1]}, buffer {len(buffer)} transitions")
assert log["step"][-1] == 1_500 and len(buffer) == 1_500
