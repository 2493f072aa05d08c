"""Waits until every local service is ready, then prints where to talk to the bot."""

from __future__ import annotations

import os
import time

import requests

# /readyz answers 200 only once the databases, the action server (and Rasa's model) answer.
CHECKS = {
    "action server": "http://localhost:5055/readyz",
    "Rasa server": "{rasa}/readyz",
    "console": "{console}/readyz",
}


def wait_until_ready(timeout: float = 600.0) -> dict[str, bool]:
    rasa = os.environ.get("RASA_URL", "http://localhost:5005")
    console = os.environ.get("CONSOLE_URL", "http://localhost:8000")
    pending = {name: url.format(rasa=rasa, console=console) for name, url in CHECKS.items()}
    ready = {name: False for name in pending}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    ready[name] = True
                    del pending[name]
            except requests.RequestException:
                pass
        time.sleep(1)
    return ready


def banner() -> str:
    rasa = os.environ.get("RASA_URL", "http://localhost:5005")
    console = os.environ.get("CONSOLE_URL", "http://localhost:8000")
    return f"""
==========================================================================
 The triage assistant is ready.
   Web chat (residents):  {console}/
   Staff console:         {console}/staff   (create a login: .venv/bin/bot staff add NAME --role supervisor)
   REST:  curl -s {rasa}/webhooks/rest/webhook -d '{{"sender":"me","message":"can I still pay my council tax online? I live in W10"}}'
   SMS (local fake Twilio):  .venv/bin/bot sms send "+447700900123" "is the tip open"
   Rasa HTTP API token:   var/rasa_token  (e.g. {rasa}/model/parse?token=$(cat var/rasa_token))
   Health:  {rasa}/readyz  {console}/readyz   Metrics: {rasa}/metrics, {console}/metrics, :5055/metrics
          (curl -H "Authorization: Bearer $(cat var/metrics_token)" {rasa}/metrics)
   Service statuses:      .venv/bin/bot status list | .venv/bin/bot status set COUNCIL SERVICE STATE --note ...
==========================================================================
"""


def main() -> None:
    ready = wait_until_ready()
    missing = [name for name, ok in ready.items() if not ok]
    if missing:
        print(f"Not ready after waiting: {', '.join(missing)}. See the logs above.")
    print(banner(), flush=True)
    while True:  # honcho stops everything when one process exits; stay up quietly
        time.sleep(3600)


if __name__ == "__main__":
    main()
