"""The pure per-frame core: landmarks, jitter filters, the camera's view, named body angles
and who is tracked. No camera, model, window, file or clock: testable without video."""
