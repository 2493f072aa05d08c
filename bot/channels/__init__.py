"""Rasa input/output channels of the project (SMS through Twilio) and a local fake Twilio API."""
