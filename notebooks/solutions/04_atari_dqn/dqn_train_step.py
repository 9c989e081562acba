# Build the DQN train step: make_train_step(q_network, target_network, optimizer, gamma, double_dqn)
# -> a compiled train_step(observations, actions, rewards, next_observations, terminated) -> loss.
def make_train_step(q_network, target_network, optimizer, gamma, double_dqn=False):
    """A compiled DQN update on one batch: targets, Huber loss on Q(s, a), one optimizer step."""
    huber = keras.losses.Huber(delta=1.0)

    @tf.function(jit_compile=XLA_TRAIN)
    def train_step(observations, actions, rewards, next_observations, terminated):
        next_q_values = target_network(next_observations, training=False)
        if double_dqn:  # online network picks the action, target network rates it
            next_actions = tf.argmax(q_network(next_observations, training=False), axis=1)
            next_values = tf.gather(next_q_values, next_actions, axis=1, batch_dims=1)
        else:  # the target network's best value
            next_values = tf.reduce_max(next_q_values, axis=1)
        targets = rewards + gamma * (1.0 - terminated) * next_values  # no bootstrap after a real end
        with tf.GradientTape() as tape:
            q_values = q_network(observations, training=True)
            taken = tf.gather(q_values, actions, axis=1, batch_dims=1)  # Q(s, a) of the actions taken
            loss = huber(tf.stop_gradient(targets), taken)  # the target is a constant label
        gradients = tape.gradient(loss, q_network.trainable_variables)
        optimizer.apply_gradients(zip(gradients, q_network.trainable_variables))
        return loss

    return train_step
