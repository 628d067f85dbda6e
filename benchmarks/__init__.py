"""Speed and scale figures for mlpviz, each measured against a reference in the same run.

Run them all with ``python -m benchmarks.run`` from the repository root; see
docs/benchmarks.md for what each figure means.
"""
