# Train the sphere classifier on the 100 points (train_x, train_y) with fit_full_batch, after
# runtime.set_seed(SEED): sphere_model, sphere_steps = 1000 if FAST else 2000, and
# sphere_train_seconds (time.perf_counter() around the training; the summary reports it).
runtime.set_seed(SEED)
sphere_steps = 1000 if FAST else 2000
sphere_model = build_sphere_classifier()
start = time.perf_counter()
final_loss = fit_full_batch(sphere_model, train_x, train_y, sphere_steps).history["loss"][-1]
sphere_train_seconds = time.perf_counter() - start
print(f"{sphere_steps} steps in {sphere_train_seconds:.1f} s, final training loss {final_loss:.3f}")
