"""The benchmark suite of issue 6: `python -m bench` (bench/run.py); README "Benchmarks"."""
