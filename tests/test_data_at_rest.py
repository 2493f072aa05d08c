"""Data at rest (#15.7) on a real migrated SQLite file: modes, pragmas, WAL, sealed SMS bodies."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from sqlalchemy import select, text

from bot.channels import sms_inbox, sms_outbox, sms_store
from bot.channels.sms_delivery import OutboxDelivery
from bot.channels.twilio_api import TwilioSender
from bot.config import get_settings
from bot.db.engine import JOURNAL_SIZE_LIMIT, checkpoint, get_engine, session_scope, sqlite_path
from bot.db.models import SmsInboxItem
from bot.privacy.sealed import PREFIX, open_sealed, seal
from devtools.fake_twilio import FakeTwilioServer
from tests.test_subscriptions import fake, texts  # noqa: F401 - the fake Twilio API fixture

SECRET = "My card is 4111 1111 1111 1111 and NI QQ 12 34 56 C"
PHONE = "+447700900123"


def _on_disk(db_url: str) -> bytes:
    path = sqlite_path(db_url)
    assert path is not None
    return b"".join(
        candidate.read_bytes()
        for candidate in (path, Path(f"{path}-wal"))
        if candidate.exists()
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_files_are_private(db_url: str) -> None:
    path = sqlite_path(db_url)
    assert path is not None and _mode(path) == 0o600
    sms_store.accept_inbound("SMmode", PHONE, "hello", 0, "me")
    wal = Path(f"{path}-wal")
    assert wal.exists() and _mode(wal) == 0o600


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    url = f"sqlite:///{path}"
    with get_engine(url).connect() as connection:
        connection.execute(text("select 1"))
    assert _mode(path) == 0o600


def test_pragmas_limit_the_journal_and_zero_deleted_rows(db_url: str) -> None:
    with get_engine(db_url).connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_size_limit")).scalar() == JOURNAL_SIZE_LIMIT


def test_the_raw_sms_text_never_reaches_the_file_yet_nothing_is_lost(db_url: str) -> None:
    sms_store.accept_inbound("SMraw", PHONE, SECRET, 0, "dead-owner")
    disk = _on_disk(db_url)
    for fragment in (b"4111 1111", b"QQ 12 34 56", b"My card"):
        assert fragment not in disk
    with get_engine(db_url).connect() as connection:
        stored = connection.execute(text("select body from sms_inbox")).scalar()
    assert stored.startswith(PREFIX)
    # Read back through the model (what adoption by another server does), the text is whole.
    with session_scope(db_url) as session:
        row = session.execute(select(SmsInboxItem)).scalar_one()
        assert row.body == SECRET
    sms_inbox.finish("SMraw")
    with get_engine(db_url).connect() as connection:
        assert connection.execute(text("select body from sms_inbox")).scalar() == ""


def test_checkpoint_truncates_the_wal(db_url: str) -> None:
    sms_store.accept_inbound("SMwal", PHONE, SECRET, 0, "me")
    sms_inbox.finish("SMwal")
    path = sqlite_path(db_url)
    assert Path(f"{path}-wal").stat().st_size > 0
    busy, _pages, _done = checkpoint(db_url)
    assert busy == 0
    assert Path(f"{path}-wal").stat().st_size == 0


def test_sealing_round_trips_and_refuses_tampering() -> None:
    key = b"k" * 32
    sealed = seal(SECRET, key)
    assert sealed.startswith(PREFIX) and "4111" not in sealed
    assert seal(SECRET, key) != sealed  # a fresh nonce every time
    assert open_sealed(sealed, key) == SECRET
    assert open_sealed(sealed, b"x" * 32) == ""  # another key: unreadable, not an exception
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    assert open_sealed(tampered, key) == ""
    assert open_sealed("legacy plain text", key) == "legacy plain text"
    assert seal("", key) == "" and open_sealed("", key) == ""


def test_a_pending_outgoing_sms_is_sealed_until_it_is_sent(db_url: str) -> None:
    """A reply can quote the resident's own details; while it waits for Twilio the file, its
    WAL and any backup hold only ciphertext. The sender that claims it reads it whole."""
    reply = "We have your number 07700 900123 and " + SECRET
    sms_outbox.enqueue("sms-pending", [reply], [None])
    disk = _on_disk(db_url)
    for fragment in (b"4111 1111", b"QQ 12 34 56", b"07700 900123", b"We have your number"):
        assert fragment not in disk
    with get_engine(db_url).connect() as connection:
        assert connection.execute(text("select body from sms_outbox")).scalar().startswith(
            PREFIX)
    part = sms_outbox.claim_head("sms-pending", 60)
    assert part is not None and part.body == reply
    sms_outbox.mark_sent(part.id, "SMsealed")
    with get_engine(db_url).connect() as connection:
        assert connection.execute(text("select body from sms_outbox")).scalar() == ""


def test_an_outgoing_part_that_cannot_be_opened_is_not_sent_blank(db_url: str) -> None:
    sms_outbox.enqueue("sms-rotated", ["hello"], [None])
    with get_engine(db_url).begin() as connection:  # sealed under some other key
        connection.execute(text("update sms_outbox set body = :b"),
                           {"b": seal("hello", b"k" * 32)})
    part = sms_outbox.claim_head("sms-rotated", 60)
    assert part is not None and part.body == ""


def test_a_sealed_reply_reaches_the_phone_whole_and_an_unreadable_one_is_not_sent(
    db_url: str, fake: FakeTwilioServer  # noqa: F811 - the fixture imported above
) -> None:
    """Through the real sender and the local fake Twilio API: what the resident receives is the
    text as written; a part sealed under another key is refused, never sent blank."""
    from bot.channels.sms_store import conversation_key, pseudonym
    from bot.db.models import SmsConversation

    conversation = pseudonym(PHONE, conversation_key())
    with session_scope(db_url) as session:
        session.add(SmsConversation(conversation_id=conversation, phone=PHONE))
    sms_outbox.enqueue(conversation, ["Your reference is KC-7KQ2-M9XD."], [None])
    sms_outbox.enqueue(conversation, ["second"], [None])
    with get_engine(db_url).begin() as connection:
        connection.execute(text("update sms_outbox set body = :b where id = 2"),
                           {"b": seal("second", b"k" * 32)})
    sender = TwilioSender(get_settings(), "/webhooks/twilio_sms/status", backoff=0.01)
    asyncio.run(OutboxDelivery(lambda: sender).flush(conversation))
    assert texts(fake, PHONE) == ["Your reference is KC-7KQ2-M9XD."]
    with get_engine(db_url).connect() as connection:
        states = connection.execute(text("select state, last_error from sms_outbox "
                                         "order by id")).all()
    assert [tuple(row) for row in states] == [("sent", None), ("refused", "unreadable")]
