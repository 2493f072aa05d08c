"""Benchmarks the lead runs with `make bench`: quality and speed of the bot's parts."""
