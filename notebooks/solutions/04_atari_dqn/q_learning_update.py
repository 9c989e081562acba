# Build the tabular Q-learning update: q_learning_update(q_table, state, action, reward, next_state,
# terminated, learning_rate, discount) changes q_table in place; the training loop calls it after
# every step.
def q_learning_update(
    q_table, state, action, reward, next_state, terminated, learning_rate, discount
):
    """Move Q(state, action) towards the target reward + discount * max_a' Q(next_state, a')."""
    future = 0.0 if terminated else q_table[next_state].max()  # no future after a real end
    target = reward + discount * future
    q_table[state, action] += learning_rate * (target - q_table[state, action])
