"""Operating the servers: liveness and readiness checks, Prometheus metrics, log output, and
the retention purge's schedule.

- checks: what /healthz and /readyz answer (Rasa server: bot/channels/health.py; console);
- metrics: /metrics exposition behind METRICS_TOKEN, gauges read from the database;
- counters: the Rasa server's counters (turns, fed by the tracker store after each save);
- logs: plain or JSON (LOG_FORMAT) log lines, and start-up without warning floods;
- schedule: the retention purge every RETENTION_PURGE_HOURS, one process at a time.
"""
