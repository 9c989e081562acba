# Exercise 1: XOR with a 2-2-1 network of step units and hand-chosen weights (xor_outputs).
def step(values):
    return (values > 0).astype(int)


xor_inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
hidden_weights = np.array([[1, 1], [1, 1]])  # column 0: OR unit, column 1: AND unit
hidden_biases = np.array([-0.5, -1.5])
output_weights = np.array([1, -1])           # OR and not AND
output_bias = -0.5
xor_outputs = step(step(xor_inputs @ hidden_weights + hidden_biases) @ output_weights + output_bias)
print(xor_outputs)
assert xor_outputs.tolist() == [0, 1, 1, 0]
