"""Benchmarks of the politburo engine (throughput, profile, a Mesa reference model)."""
