"""Helpers the tests and the benchmarks share: throwaway servers and the site's own processes on loopback."""
