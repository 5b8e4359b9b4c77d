"""repcam's benchmarks: speed and memory, measured and guarded as ratios to bare MediaPipe.

Run from the repository root: `python -m benchmarks [--quick] [--check]`. Not unit tests:
they measure, print and compare against `benchmarks/baseline.json`.
"""
