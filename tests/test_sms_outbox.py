"""The SMS outbox's rules on a real migrated database: order, one sender per part, no resend."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from bot.channels import sms_outbox
from bot.db.engine import session_scope
from bot.db.models import SmsOutboxItem, utcnow


def states(db_url: str, conversation: str) -> list[tuple[str, str]]:
    with session_scope(db_url) as session:
        rows = session.execute(
            select(SmsOutboxItem.state, SmsOutboxItem.body)
            .where(SmsOutboxItem.conversation_id == conversation).order_by(SmsOutboxItem.id)
        ).all()
    return [(row.state, row.body) for row in rows]


def test_parts_leave_in_order_and_nothing_overtakes_a_waiting_head(db_url: str) -> None:
    sms_outbox.enqueue("c1", ["first", "second"], [1, 1])
    head = sms_outbox.claim_head("c1", 60)
    assert head is not None and head.body == "first"
    assert sms_outbox.claim_head("c1", 60) is None  # head being sent: "second" must wait
    sms_outbox.defer(head.id, "503", head.attempts)
    assert sms_outbox.claim_head("c1", 60) is None  # head waiting for its retry time
    assert states(db_url, "c1") == [("pending", "first"), ("pending", "second")]
    with session_scope(db_url) as session:
        session.execute(update(SmsOutboxItem).values(next_attempt_at=utcnow()))
    again = sms_outbox.claim_head("c1", 60)
    assert again is not None and again.body == "first" and again.attempts == 2
    sms_outbox.mark_sent(again.id, "SM1")
    following = sms_outbox.claim_head("c1", 60)
    assert following is not None and following.body == "second"


def test_other_conversations_are_not_held_up(db_url: str) -> None:
    sms_outbox.enqueue("c1", ["stuck"], [1])
    stuck = sms_outbox.claim_head("c1", 60)
    assert stuck is not None
    sms_outbox.enqueue("c2", ["free"], [1])
    free = sms_outbox.claim_head("c2", 60)
    assert free is not None and free.body == "free"


def test_concurrent_senders_claim_each_part_once(db_url: str) -> None:
    sms_outbox.enqueue("c1", [f"part {i}" for i in range(20)], [1] * 20)
    sent: list[str] = []
    guard = threading.Lock()

    def sender() -> None:
        for _ in range(200):
            part = sms_outbox.claim_head("c1", 60)
            if part is None:
                if not any(s == "pending" for s, _ in states(db_url, "c1")):
                    return
                continue
            with guard:
                sent.append(part.body)
            sms_outbox.mark_sent(part.id, f"SM{part.id}")

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sent == [f"part {i}" for i in range(20)]


def test_a_claim_whose_sender_vanished_is_never_resent(db_url: str) -> None:
    sms_outbox.enqueue("c1", ["maybe sent", "next"], [1, 1])
    lost = sms_outbox.claim_head("c1", 60)
    assert lost is not None
    with session_scope(db_url) as session:
        session.execute(update(SmsOutboxItem).where(SmsOutboxItem.id == lost.id)
                        .values(claimed_until=utcnow() - timedelta(seconds=1)))
    assert "c1" in sms_outbox.due_conversations()
    following = sms_outbox.claim_head("c1", 60)
    assert following is not None and following.body == "next"
    assert states(db_url, "c1")[0] == ("unconfirmed", "")


def test_refusal_drops_the_rest_of_that_reply_only(db_url: str) -> None:
    sms_outbox.enqueue("c1", ["a1", "a2", "a3"], [1, 1, 1])
    sms_outbox.enqueue("c1", ["b1"], [1])
    first = sms_outbox.claim_head("c1", 60)
    assert first is not None
    assert sms_outbox.refuse(first.id, sms_outbox.REFUSED, "21211") == 3
    nxt = sms_outbox.claim_head("c1", 60)
    assert nxt is not None and nxt.body == "b1"
    assert [s for s, _ in states(db_url, "c1")] == ["refused", "cancelled", "cancelled", "sending"]
    assert sms_outbox.backlog() == {"refused": 1, "cancelled": 2, "sending": 1}


def test_settled_parts_keep_no_text(db_url: str) -> None:
    sms_outbox.enqueue("c1", ["Your case is WM-7K3P9QXD"], [1])
    part = sms_outbox.claim_head("c1", 60)
    assert part is not None
    sms_outbox.mark_sent(part.id, "SM9")
    assert states(db_url, "c1") == [("sent", "")]
    assert sms_outbox.cancel_conversation("c1", "opted-out") == 0
