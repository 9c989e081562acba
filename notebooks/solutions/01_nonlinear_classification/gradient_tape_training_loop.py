# Train the network by hand with full-batch gradient descent: training_step(points, labels,
# learning_rate) -> loss before the step, a @tf.function: mean of
# tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits) (labels: int class numbers),
# tape.gradient, then parameter.assign_sub(learning_rate * gradient) for each of `parameters`; then
# num_steps = 1000 if FAST else 3000 steps on the moons at learning rate 0.5 (the Keras cell below
# uses the same), printing the loss every num_steps // 5 steps; later cells use hand_loop_accuracy.
@tf.function  # compiles the step into a graph, several times faster
def training_step(points, labels, learning_rate):
    """One gradient-descent step on the mean cross-entropy of (points, labels); returns the loss."""
    with tf.GradientTape() as tape:
        logits = forward(points)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
    gradients = tape.gradient(loss, parameters)
    for parameter, gradient in zip(parameters, gradients):
        parameter.assign_sub(learning_rate * gradient)
    return loss


num_steps = 1000 if FAST else 3000
for step_index in range(num_steps + 1):
    loss = training_step(moons_x, moons_y, 0.5)
    if step_index % (num_steps // 5) == 0:
        print(f"step {step_index:5d}  loss {loss.numpy():.4f}")

hand_loop_accuracy = float(np.mean(np.argmax(forward(moons_x), axis=1) == moons_y))
print(f"training accuracy of the hand-written loop: {hand_loop_accuracy:.3f}")
