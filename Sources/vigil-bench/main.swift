// The benchmark harness lands here; see docs/performance.md.
print("vigil-bench: not built yet")
