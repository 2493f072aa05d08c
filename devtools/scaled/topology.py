"""Bring the whole scaled topology up, take it down, and report on it: the one API for the CLI,
the tests and the benchmark.

Order matters: PostgreSQL (migrated and seeded) and Redis before anything that connects to
them; action servers before the Rasa servers that call them; nginx last, so it never routes to
a server that is still loading its model. `up` is idempotent: what already runs and answers is
left alone, so it also restarts a single crashed instance.
"""

from __future__ import annotations

from dataclasses import dataclass

from devtools.scaled import apps, nginx, postgres, redis_server
from devtools.scaled.layout import INSTANCES, Layout, default_layout
from devtools.scaled.packages import Binaries, ensure_binaries
from devtools.scaled.procs import http_ok, pid_alive


@dataclass(frozen=True)
class Component:
    name: str
    pid: int | None
    healthy: bool
    where: str

    @property
    def alive(self) -> bool:
        return pid_alive(self.pid)


class Topology:
    """The scaled deployment under var/scaled/ (or SCALED_DIR)."""

    def __init__(self, layout: Layout | None = None, instances: int = INSTANCES) -> None:
        self.layout = layout or default_layout()
        self.instances = instances
        self._binaries: Binaries | None = None

    @property
    def binaries(self) -> Binaries:
        if self._binaries is None:
            self._binaries = ensure_binaries()
        return self._binaries

    # --- convenience for tests and benchmarks ------------------------------------------------

    @property
    def url(self) -> str:
        return self.layout.nginx_url

    @property
    def api_url(self) -> str:
        """The Rasa HTTP API through nginx's internal server (the public url does not have it)."""
        return self.layout.api_url

    @property
    def token(self) -> str:
        return self.layout.secrets["rasa_token"]

    @property
    def database_url(self) -> str:
        return self.layout.database_url

    @property
    def tracker_db_url(self) -> str:
        return self.layout.tracker_db_url

    @property
    def twilio_url(self) -> str:
        return self.layout.twilio_url

    def rasa_urls(self) -> list[str]:
        return [self.layout.rasa_url(i) for i in range(self.instances)]

    # --- lifecycle ---------------------------------------------------------------------------

    def up(self, log: bool = True) -> None:
        say = print if log else (lambda *_a, **_k: None)
        if not self.layout.model.exists():
            raise RuntimeError(f"{self.layout.model} is missing: run `make train` first")
        binaries = self.binaries
        say("postgresql: initdb/start/databases ...", flush=True)
        postgres.init_cluster(self.layout, binaries)
        postgres.start(self.layout, binaries)
        postgres.ensure_databases(self.layout)
        say("postgresql: bot db upgrade + bot db seed ...", flush=True)
        apps.migrate_and_seed(self.layout)
        say("redis: start ...", flush=True)
        redis_server.start(self.layout, binaries)
        apps.write_endpoints(self.layout)
        say("fake twilio + action servers ...", flush=True)
        apps.start_fake_twilio(self.layout)
        started = {i: apps.spawn_actions(self.layout, i) for i in range(self.instances)}
        for index, process in started.items():
            apps.wait_actions(self.layout, index, process)
        say(f"rasa servers x{self.instances} (loading the model takes a while) ...", flush=True)
        apps.start_rasa_servers(self.layout, self.instances)
        say("nginx ...", flush=True)
        nginx.start(self.layout, binaries)
        say(f"up: {self.url} (REST /webhooks/rest/webhook, SMS /webhooks/twilio_sms/webhook,"
            f" socket.io); Rasa HTTP API for the console: {self.api_url} (loopback only)")

    def restart_rasa(self, index: int) -> None:
        """Start one Rasa server again (after `kill_rasa`), leaving the rest alone."""
        process = apps.spawn_rasa(self.layout, index)
        apps.wait_rasa(self.layout, index, process)

    def kill_rasa(self, index: int) -> None:
        apps.kill(self.layout, apps.rasa_name(index))

    def down(self, purge: bool = False) -> None:
        """Stop everything we started (by pid file), newest first; `purge` deletes the data."""
        nginx.stop(self.layout)
        for index in range(self.instances):
            apps.stop(self.layout, apps.rasa_name(index))
        for index in range(self.instances):
            apps.stop(self.layout, apps.actions_name(index))
        apps.stop(self.layout, "twilio")
        redis_server.stop(self.layout)
        if postgres.initialised(self.layout):
            postgres.stop(self.layout, self.binaries)
        if purge:
            postgres.remove(self.layout)

    # --- status ------------------------------------------------------------------------------

    def components(self) -> list[Component]:
        layout = self.layout
        found = [
            Component("postgres", postgres.pid(layout), postgres.reachable(layout),
                      f"127.0.0.1:{layout.ports.postgres}"),
            Component("redis", redis_server.pid(layout), redis_server.ping(layout),
                      f"127.0.0.1:{layout.ports.redis}"),
            Component("twilio", apps.pid(layout, "twilio"), apps.twilio_healthy(layout),
                      layout.twilio_url),
        ]
        for i in range(self.instances):
            found.append(Component(apps.actions_name(i), apps.pid(layout, apps.actions_name(i)),
                                   apps.actions_healthy(layout, i), layout.action_url(i)))
            found.append(Component(apps.rasa_name(i), apps.pid(layout, apps.rasa_name(i)),
                                   apps.rasa_healthy(layout, i), layout.rasa_url(i)))
        found.append(Component("nginx", nginx.pid(layout),
                               http_ok(f"{layout.nginx_url}/webhooks/rest/"), layout.nginx_url))
        found.append(Component("nginx-api", nginx.pid(layout),  # internal: the Rasa HTTP API
                               http_ok(f"{layout.api_url}/version"), layout.api_url))
        return found

    def is_up(self) -> bool:
        return all(c.alive and c.healthy for c in self.components())

    def describe(self) -> str:
        lines = [f"{'component':10} {'pid':>8}  {'state':9} where"]
        for c in self.components():
            state = "ok" if c.alive and c.healthy else ("unhealthy" if c.alive else "stopped")
            lines.append(f"{c.name:10} {c.pid or '-':>8}  {state:9} {c.where}")
        lines.append(f"state dir: {self.layout.paths.root}")
        return "\n".join(lines)
