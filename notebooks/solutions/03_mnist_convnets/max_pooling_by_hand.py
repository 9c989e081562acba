# Build max_pool2d(feature_map, size=2) -> 2-D array: the largest value of every non-overlapping
# size x size block (the formula above). Later cells call max_pool2d(feature_map).
def max_pool2d(feature_map, size=2):
    """Non-overlapping max pooling of a 2-D array whose sides are multiples of size."""
    height, width = feature_map.shape
    blocks = feature_map.reshape(height // size, size, width // size, size)
    return blocks.max(axis=(1, 3))
