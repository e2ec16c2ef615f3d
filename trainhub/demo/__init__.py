"""Demo data: the contract's demo accounts and synthetic hires for benchmarks."""
