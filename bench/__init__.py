"""Benchmarks of the site: a script per area (web pages, reminders, admin), run by hand, not by the test suite."""
