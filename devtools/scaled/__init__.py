"""The scale-out topology on one machine: PostgreSQL, Redis, two Rasa servers, two action
servers and nginx in front, all on loopback, all under var/scaled/.

Why it exists: the embedded defaults (SQLite, one Rasa process, in-memory lock store) cannot
be spread over several processes, and incident-day load needs that. This package runs the very
same code with only environment variables changed (DATABASE_URL, TRACKER_DB_URL, REDIS_*) plus
an endpoints file generated from the repository's one with `lock_store: type: redis`, so what
`make test-scaled` shows is what a council would deploy on several machines.

`python -m devtools.scaled up|down|status`; see docs/scaling.md for the routing choice and limits.
"""
