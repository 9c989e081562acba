# Exercise 2: a horizontal-edge (Sobel) filter applied with convolve2d to a training digit.
sobel_horizontal = np.array([[1, 2, 1],
                             [0, 0, 0],
                             [-1, -2, -1]], dtype=float)
edges = convolve2d(train_images[0] / 255.0, sobel_horizontal)
fig, axes = plt.subplots(1, 2, figsize=(6, 3))
axes[0].imshow(train_images[0], cmap="gray")
axes[0].set_title("digit")
axes[1].imshow(edges, cmap="coolwarm", vmin=-np.abs(edges).max(), vmax=np.abs(edges).max())
axes[1].set_title("horizontal edges (red: dark below bright)")
for ax in axes:
    ax.axis("off")
plt.show()
