# Exercise 4: the ten test digits with the lowest top probability, and how many of them are
# misclassified.
confidence = test_probabilities.max(axis=1)
least_confident = np.argsort(confidence)[:10]
top_two = np.argsort(test_probabilities[least_confident], axis=1)[:, ::-1][:, :2]
labels = [
    f"{first}/{second} (true {test_labels[index]})"
    for index, (first, second) in zip(least_confident, top_two)
]
plotting.plot_image_grid(
    test_images[least_confident], labels=labels, ncols=5, title="least confident predictions"
)
plt.show()
print(
    "of these, misclassified:",
    int(np.sum(test_predictions[least_confident] != test_labels[least_confident])),
)
