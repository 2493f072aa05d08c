"""The security regression tests reuse the integration tests' real server stack."""

from tests.integration.conftest import servers  # noqa: F401  (the session-wide stack)
