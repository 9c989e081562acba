# Build convolve2d(image, kernel) -> 2-D array: the 'valid' cross-correlation of the formula above,
# with two loops over the output positions; image and kernel are 2-D NumPy arrays, the output a
# float array (np.zeros). No kernel flip. Later cells call convolve2d(image, kernel).
def convolve2d(image, kernel):
    """'Valid' 2-D convolution (cross-correlation, as in Keras) written with two loops."""
    kernel_height, kernel_width = kernel.shape
    output_height = image.shape[0] - kernel_height + 1
    output_width = image.shape[1] - kernel_width + 1
    output = np.zeros((output_height, output_width))
    for row in range(output_height):
        for column in range(output_width):
            patch = image[row:row + kernel_height, column:column + kernel_width]
            output[row, column] = np.sum(patch * kernel)
    return output
