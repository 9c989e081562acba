# Build the epsilon schedule and epsilon-greedy acting: epsilon_at(step, config) -> float and
# epsilon_greedy(observation, epsilon, q_function, num_actions, rng) -> int (q_function: batch -> Q-values).
def epsilon_at(step, config):
    """The linear epsilon schedule: epsilon_start -> epsilon_end over epsilon_decay_steps."""
    fraction = min(1.0, step / config.epsilon_decay_steps)
    return config.epsilon_start + fraction * (config.epsilon_end - config.epsilon_start)


def epsilon_greedy(observation, epsilon, q_function, num_actions, rng):
    """A random action with probability epsilon, otherwise the action with the highest Q-value."""
    if rng.random() < epsilon:
        return int(rng.integers(num_actions))
    q_values = q_function(observation[None]).numpy()  # add a batch axis of one: shape (1, num_actions)
    return int(np.argmax(q_values[0]))
