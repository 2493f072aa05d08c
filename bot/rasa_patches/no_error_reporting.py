"""Rasa's command line sends uncaught exceptions to Rasa's own Sentry project, with a key
shipped inside the rasa package, whatever RASA_TELEMETRY_ENABLED says. A council's server must
not send anything to a third party (and here the attempt only adds retries to every crash), so
error reporting is turned into a no-op before Rasa's command line starts."""

from __future__ import annotations

_installed = False


def install_no_error_reporting() -> None:
    """Idempotent; replaces rasa.telemetry.initialize_error_reporting in this process."""
    global _installed
    if _installed:
        return
    import rasa.telemetry

    def initialize_error_reporting() -> None:
        """Disabled by bot.rasa_patches: nothing leaves the council's network."""

    rasa.telemetry.initialize_error_reporting = initialize_error_reporting
    _installed = True
