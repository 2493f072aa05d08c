"""Resident enquiry triage assistant: the project's own package.

Data layer, channels, privacy, console and CLI; actions/ only adapts Rasa to it.
"""
