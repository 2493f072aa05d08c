"""Decisions the assistant makes, as plain functions testable without Rasa or a network."""
