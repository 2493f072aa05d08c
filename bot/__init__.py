"""Resident enquiry triage assistant: the project's own package (data, channels, privacy, console, CLI)."""
