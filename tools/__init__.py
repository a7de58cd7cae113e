"""Tools that are not part of the app: benchmarks and the load test (`python -m tools.loadtest`)."""
