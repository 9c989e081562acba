# Exercise 3: decode ten points on the line between the codes of a test 3 and a test 8,
# with the autoencoder and with PCA, and show both rows of images.
# the autoencoder is Sequential([encoder, decoder])
mnist_decoder_32 = mnist_autoencoders[32].layers[1]
first_three, first_eight = (np.flatnonzero(test_labels == digit)[0] for digit in (3, 8))
fractions = np.linspace(0, 1, 10)[:, None]
start, end = test_codes[first_three], test_codes[first_eight]
walk_images = mnist_decoder_32.predict(start + fractions * (end - start), verbose=0)
pca_start, pca_end = pca_models[32].transform(test_images[[first_three, first_eight]])
pca_walk_images = np.clip(
    pca_models[32].inverse_transform(pca_start + fractions * (pca_end - pca_start)), 0, 1
)
plotting.plot_image_grid(
    np.concatenate([walk_images, pca_walk_images]).reshape(-1, 28, 28),
    ncols=10,
    title="from 3 to 8: autoencoder (top row), PCA (bottom row)",
);
