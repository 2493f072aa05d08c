"""Privacy layer: residents worried that their data was stolen must not have it kept by us.

- `redactor`: the one place that decides what counts as personal data and masks it.
- `tracker_store`: Rasa's SQL tracker store that persists only redacted events.
- `log_filter`: redacts every log record of the process it is installed in.
- `retention`: purge after the retention period, export for subject access requests.

Nothing is imported here, so `import bot.privacy.retention` stays cheap for the CLI.
"""
