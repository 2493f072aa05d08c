"""'Text me when it's back' at scale: 10,000 subscribers told that a service is working again,
through the real notifier and SMS outbox, to the local fake Twilio API (a real HTTP server).

What is measured (the table `format_results` prints):
- time to queue: `set_status(..., "operating")` in one transaction, which records the change
  and owes one text per live subscriber (bot.services.subscriptions: one row each, with its
  planned send time at SMS_NOTIFY_PER_SECOND, the configured pace);
- achieved send rate, against that pace: texts that reached the fake API per second, while the
  sending process runs (before the kill, and after the restart until the last text);
- crash safety: the sending process (the notifier and outbox loops the Rasa server runs, here
  alone in a process of their own: `python -m devtools.bench.notify_bench --sender`) is killed
  with SIGKILL mid-broadcast, then started again. Counted at the fake API: numbers texted
  twice (must be 0) and numbers never texted (0 unless the kill fell between a part's claim and
  its request: the outbox never resends a part whose fate it cannot know, it marks it
  `unconfirmed`; the table says how many such parts there were).

Defaults keep it to a few minutes on two shared cores: NOTIFY_BENCH_PACE (texts per second,
default 50) and NOTIFY_BENCH_SUBSCRIBERS (default 10,000); the sender's HTTP_TIMEOUT is 2 s so
a claim held by the killed process expires within a minute (claim = attempts x (timeout +
backoff) + 30 s). If the bench runs in quiet hours (21:00-08:00 UK), the texts are queued as
of 12:00 UK that day instead (the plan is then already due, and the release loop's per-pass
limit alone keeps the pace).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, insert, select

SUBSCRIBERS = 10_000
PACE = 50.0
KILL_AT = 0.4  # share of the texts sent before the kill
COUNCIL, SERVICE = "westminster", "libraries"
POLL = 0.5


# --- the sending process ---------------------------------------------------------------------


async def _send_forever() -> None:
    from bot.channels.sms_delivery import OutboxDelivery, drain_forever
    from bot.channels.sms_notify import notify_forever
    from bot.channels.twilio_api import TwilioSender
    from bot.config import get_settings

    sender = TwilioSender(get_settings(), "/webhooks/twilio_sms/status")

    def delivery() -> OutboxDelivery:
        return OutboxDelivery(lambda: sender)

    await asyncio.gather(notify_forever(delivery), drain_forever(delivery, interval=1.0))


def sender_main() -> None:
    asyncio.run(_send_forever())


# --- the bench ---------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _phones(count: int) -> list[str]:
    return [f"+447700{n:06d}" for n in range(count)]


def _texts_at_fake(twilio_url: str) -> list[str]:
    """Recipients of every message the fake API took, one entry per message."""
    answer = requests.get(f"{twilio_url}/_fake/messages", timeout=60)
    answer.raise_for_status()
    return [message["to"] for message in answer.json()]


def _count_at_fake(twilio_url: str) -> int:
    return len(_texts_at_fake(twilio_url))


def _sent_parts(database_url: str) -> int:
    """Progress, cheaply (the fake's full list is ~1 kB a text): parts Twilio took."""
    return _outbox_states(database_url).get("sent", 0)


def _queue_moment(now: datetime) -> datetime:
    from bot.services.subscriptions import UK, after_quiet_hours

    if after_quiet_hours(now) == now:
        return now
    local = now.replace(tzinfo=timezone.utc).astimezone(UK)
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon.astimezone(timezone.utc).replace(tzinfo=None)


def _subscribe_all(database_url: str, phones: list[str]) -> None:
    """Bulk rows, as 10,000 conversations would have left them (subscribe() is tested apart)."""
    from bot.db.engine import session_scope
    from bot.db.models import Subscription, utcnow

    now = utcnow()
    rows = [{"council_id": COUNCIL, "service_id": SERVICE, "phone": phone, "channel": "sms",
             "created_at": now, "expires_at": now + timedelta(days=30), "active": True}
            for phone in phones]
    with session_scope(database_url) as session:
        session.execute(insert(Subscription), rows)


def _queue(database_url: str) -> tuple[float, int, bool]:
    """Set the service to operating; (seconds, texts owed, queued as of noon)."""
    from bot.db.engine import session_scope
    from bot.db.models import SmsNotification, utcnow
    from bot.services import subscriptions
    from bot.services.status import set_status

    with session_scope(database_url) as session:
        set_status(session, COUNCIL, SERVICE, "unavailable", "bench")
    now = utcnow()
    moment = _queue_moment(now)
    started = time.perf_counter()
    with session_scope(database_url) as session:
        if moment == now:
            set_status(session, COUNCIL, SERVICE, "operating", "bench")
        else:  # quiet hours now: the same change, recorded as of noon
            subscriptions.record_status_change(session, COUNCIL, SERVICE, "unavailable",
                                               "operating", "bench", now=moment)
    seconds = time.perf_counter() - started
    with session_scope(database_url) as session:
        owed = session.execute(select(func.count()).select_from(SmsNotification)).scalar_one()
    return seconds, int(owed), moment != now


def _settled(database_url: str) -> bool:
    from bot.db.engine import session_scope
    from bot.db.models import SmsNotification, SmsOutboxItem

    with session_scope(database_url) as session:
        waiting = session.execute(select(func.count()).select_from(SmsNotification).where(
            SmsNotification.state == "waiting")).scalar_one()
        unsettled = session.execute(select(func.count()).select_from(SmsOutboxItem).where(
            SmsOutboxItem.state.in_(("pending", "sending")))).scalar_one()
    return waiting == 0 and unsettled == 0


def _outbox_states(database_url: str) -> dict[str, int]:
    from bot.db.engine import session_scope
    from bot.db.models import SmsOutboxItem

    with session_scope(database_url) as session:
        return dict(session.execute(select(SmsOutboxItem.state, func.count())
                                    .group_by(SmsOutboxItem.state)).all())


def _start_sender(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "devtools.bench.notify_bench", "--sender"],
                            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(subscribers: int | None = None, pace: float | None = None,
        settle_timeout: float = 900.0) -> dict[str, Any]:
    from bot.db.engine import session_scope
    from bot.db.migrate import upgrade
    from bot.db.seed import seed

    subscribers = subscribers or int(os.environ.get("NOTIFY_BENCH_SUBSCRIBERS", SUBSCRIBERS))
    pace = pace or float(os.environ.get("NOTIFY_BENCH_PACE", PACE))
    tmp = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    twilio_port = _free_port()
    twilio_url = f"http://127.0.0.1:{twilio_port}"
    env = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "PYTHONWARNINGS")}
    env.update({
        "DATABASE_URL": f"sqlite:///{tmp / 'app.db'}",
        "TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "VAR_DIR": str(tmp), "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TWILIO_API_BASE": twilio_url, "CONVERSATION_ID_KEY": secrets.token_hex(16),
        "SMS_NOTIFY_PER_SECOND": str(pace), "HTTP_TIMEOUT": "2", "SMS_OUTBOX_POLL_SECONDS": "1",
        "PUBLIC_BASE_URL": "none",  # no status callbacks: nothing listens for them here
        "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
    })
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # this process plans the texts: same database, pace and key
    fake = subprocess.Popen([sys.executable, "-m", "devtools.fake_twilio", "--port",
                             str(twilio_port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    sender: subprocess.Popen | None = None
    try:
        _wait_http(f"{twilio_url}/_fake/messages")
        database_url = env["DATABASE_URL"]
        upgrade(database_url)
        with session_scope(database_url) as session:
            seed(session)
        _subscribe_all(database_url, _phones(subscribers))
        queue_seconds, owed, shifted = _queue(database_url)

        log = tmp / "sender.log"
        sender = _start_sender(env, log)
        kill_at = int(owed * KILL_AT)
        while (first := _sent_parts(database_url)) == 0:  # the rate counts from the first text
            if sender.poll() is not None:
                raise RuntimeError(f"sender exited:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
        started = time.monotonic()
        while _sent_parts(database_url) < kill_at:
            if sender.poll() is not None:
                raise RuntimeError(f"sender exited:\n{log.read_text()[-3000:]}")
            time.sleep(POLL)
        sender.kill()  # SIGKILL mid-broadcast: no clean-up of any kind
        sender.wait()
        before_seconds = time.monotonic() - started
        sent_before = _count_at_fake(twilio_url)
        in_flight = _outbox_states(database_url).get("sending", 0)

        sender = _start_sender(env, log)
        restarted = time.monotonic()
        deadline = restarted + settle_timeout
        last_count, last_change = _sent_parts(database_url), restarted
        while time.monotonic() < deadline and not _settled(database_url):
            time.sleep(POLL)
            count = _sent_parts(database_url)
            if count != last_count:
                last_count, last_change = count, time.monotonic()
            if count >= owed:
                break
        _stop(sender)
        sender = None
        after_seconds = last_change - restarted
        texts = _texts_at_fake(twilio_url)
        per_number = Counter(texts)
        states = _outbox_states(database_url)
        phones = set(_phones(subscribers))
        return {
            "subscribers": subscribers, "owed": owed, "pace": pace,
            "queue_seconds": queue_seconds, "queued_as_of_noon": shifted,
            "sent_before_kill": sent_before, "before_seconds": before_seconds,
            "rate_before": (sent_before - first) / before_seconds if before_seconds else 0.0,
            "in_flight_at_kill": in_flight,
            "sent_after_restart": len(texts) - sent_before, "after_seconds": after_seconds,
            "rate_after": (len(texts) - sent_before) / after_seconds if after_seconds else 0.0,
            "texts": len(texts), "numbers_texted": len(per_number),
            "texted_twice": sum(1 for n in per_number.values() if n > 1),
            "missed": len(phones - set(per_number)),
            "unconfirmed_parts": states.get("unconfirmed", 0),
            "settled": _settled(database_url),
        }
    finally:
        if sender is not None:
            _stop(sender)
        _stop(fake)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def format_results(r: dict[str, Any]) -> str:
    rows = [
        ("subscribers (texts owed)", f"{r['subscribers']:,} ({r['owed']:,})"),
        ("time to queue (set_status -> owed rows)", f"{r['queue_seconds']:.2f} s"
         + (" (quiet hours: queued as of noon)" if r["queued_as_of_noon"] else "")),
        ("configured pace (SMS_NOTIFY_PER_SECOND)", f"{r['pace']:g} texts/s"),
        ("achieved rate before the kill", f"{r['rate_before']:.1f} texts/s "
         f"({r['sent_before_kill']:,} in {r['before_seconds']:.0f} s)"),
        ("achieved rate after the restart", f"{r['rate_after']:.1f} texts/s "
         f"({r['sent_after_restart']:,} in {r['after_seconds']:.0f} s, incl. claim expiry)"),
        ("parts in flight at SIGKILL", f"{r['in_flight_at_kill']}"),
        ("texts at the fake API / numbers texted", f"{r['texts']:,} / {r['numbers_texted']:,}"),
        ("numbers texted twice", f"{r['texted_twice']}"),
        ("numbers never texted", f"{r['missed']} (unconfirmed parts: {r['unconfirmed_parts']})"),
        ("everything settled", "yes" if r["settled"] else "NO (timed out)"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {value}" for name, value in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sender", action="store_true", help="run the sending loops only")
    parser.add_argument("--subscribers", type=int, default=None)
    parser.add_argument("--pace", type=float, default=None)
    args = parser.parse_args(argv)
    if args.sender:
        sender_main()
        return
    print(format_results(run(args.subscribers, args.pace)), flush=True)


if __name__ == "__main__":
    main()
