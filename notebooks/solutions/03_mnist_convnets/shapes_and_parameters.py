# Exercise 1: output shape and parameter count of the small ConvNet's second convolution, by hand
# and by Keras.
kernel_size, input_channels, num_filters, input_side = 3, 32, 64, 13
output_side = input_side - kernel_size + 1
parameters_by_hand = kernel_size * kernel_size * input_channels * num_filters + num_filters
layer = small_convnet.layers[2]
print(
    f"by hand: output {output_side}x{output_side}x{num_filters}, {parameters_by_hand:,} parameters"
)
print(f"Keras:   output {layer.output.shape[1:]}, {layer.count_params():,} parameters")
assert layer.count_params() == parameters_by_hand and layer.output.shape[1:] == (
    output_side,
    output_side,
    num_filters,
)
