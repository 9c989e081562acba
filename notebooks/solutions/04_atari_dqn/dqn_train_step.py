# Build the DQN train step: make_train_step(q_network, target_network, optimizer, gamma, double_dqn)
# -> a compiled train_step(observations, actions, rewards, next_observations, terminated,
#    discounts=None) -> loss. discounts: the factor before the bootstrap, per sample (gamma ** m
#    for an n-step transition that summed m rewards); None: gamma. actions are int64 indices.
#    Target r + discounts * (1 - terminated) * next value; double_dqn: the online network picks
#    the next action, the target network rates it. Loss: keras.losses.Huber(delta=1.0), the mean
#    over the batch, of the target (held constant) minus Q(s, a); one optimizer step.
def make_train_step(q_network, target_network, optimizer, gamma, double_dqn=False):
    """A compiled DQN update on one batch: targets, Huber loss on Q(s, a), one optimizer step."""
    huber = keras.losses.Huber(delta=1.0)

    @tf.function
    def train_step(observations, actions, rewards, next_observations, terminated, discounts=None):
        if discounts is None:
            discounts = gamma
        next_q_values = target_network(next_observations, training=False)
        if double_dqn:  # online network picks the action, target network rates it
            next_actions = tf.argmax(q_network(next_observations, training=False), axis=1)
            next_values = tf.gather(next_q_values, next_actions, axis=1, batch_dims=1)
        else:  # the target network's best value
            next_values = tf.reduce_max(next_q_values, axis=1)
        # no bootstrap after a real end
        targets = rewards + discounts * (1.0 - terminated) * next_values
        with tf.GradientTape() as tape:
            q_values = q_network(observations, training=True)
            # Q(s, a) of the actions taken
            taken = tf.gather(q_values, actions, axis=1, batch_dims=1)
            loss = huber(tf.stop_gradient(targets), taken)  # the target is a constant label
        gradients = tape.gradient(loss, q_network.trainable_variables)
        optimizer.apply_gradients(zip(gradients, q_network.trainable_variables))
        return loss

    return train_step
