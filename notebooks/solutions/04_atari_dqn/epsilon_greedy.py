# Build the epsilon schedule and epsilon-greedy acting: epsilon_at(step, config) -> float and
# epsilon_greedy(observations, epsilon, q_function, num_actions, rng) -> int64 array, one action per
# observation of the batch (q_function: batch -> Q-values; rng: a numpy Generator).
def epsilon_at(step, config):
    """The linear epsilon schedule: epsilon_start -> epsilon_end over epsilon_decay_steps."""
    fraction = min(1.0, step / config.epsilon_decay_steps)
    return config.epsilon_start + fraction * (config.epsilon_end - config.epsilon_start)


def epsilon_greedy(observations, epsilon, q_function, num_actions, rng):
    """For each observation: a random action with probability epsilon, else the greedy one.

    Returns an int64 array with one action per observation of the batch."""
    explore = rng.random(len(observations)) < epsilon
    random_actions = rng.integers(num_actions, size=len(observations))
    if explore.all():  # no forward pass needed
        return random_actions
    greedy_actions = np.argmax(q_function(observations).numpy(), axis=1)
    return np.where(explore, random_actions, greedy_actions)
