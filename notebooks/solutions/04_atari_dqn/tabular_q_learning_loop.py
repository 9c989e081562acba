# Build the Q-learning loop on FrozenLake: epsilon-greedy episodes, q_learning_update after each
# step. Later cells use q_table, episode_rewards (1 = goal reached) and num_episodes. Settings
# (for the complete notebook's numbers): 5,000 episodes, alpha 0.1, gamma 0.99, epsilon
# max(0.05, 1 - episode / 2,500), rng = np.random.default_rng(SEED), reset(seed=SEED) in the
# first episode, ties between equal Q-values broken at random (+ 1e-9 * rng.random(num_actions)).
num_episodes = 5_000
learning_rate = 0.1  # alpha
discount = 0.99  # gamma
rng = np.random.default_rng(SEED)
q_table = np.zeros((num_states, num_actions))
episode_rewards = []
for episode in range(num_episodes):
    state, _ = frozen_lake.reset(seed=SEED if episode == 0 else None)
    epsilon = max(0.05, 1.0 - episode / (0.5 * num_episodes))  # explore a lot first, then less
    done = False
    while not done:
        if rng.random() < epsilon:
            action = int(rng.integers(num_actions))
        else:  # greedy; the tiny noise breaks ties between equal values at random
            action = int(np.argmax(q_table[state] + 1e-9 * rng.random(num_actions)))
        next_state, reward, terminated, truncated, _ = frozen_lake.step(action)
        q_learning_update(q_table, state, action, reward, next_state, terminated, learning_rate,
                          discount)
        state = next_state
        done = terminated or truncated
    episode_rewards.append(reward)
print(f"successes in the last 500 training episodes (still exploring): "
      f"{np.mean(episode_rewards[-500:]):.0%}")
