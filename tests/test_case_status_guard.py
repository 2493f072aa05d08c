"""The case-status identity check cannot be guessed (issue #15, item 3).

Against the real (SQLite, migrated) database: the check needs the postcode AND the last four
digits of the phone, and failed checks count per case reference across conversations, so a
new conversation per guess gets nowhere; the lock shows on the case as an event staff read.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.db.models import Case, CaseEvent, CaseLookupAttempt
from bot.services.case_status_guard import (
    LOCK_EVENT,
    MAX_FAILURES_PER_CASE,
    identity_matches,
    locked_until,
)
from bot.services.case_status_turns import CASE_LOCKED, NO_MATCH, case_status_turn
from tests.test_conversation_threads import _submitted_case
from tests.test_turns import ctx, texts

RIGHT = "W10 6EL 0118"  # the case from _submitted_case: W10 6EL, 07700 900118


def check(session, reference: str, answer: str, conversation: str) -> str:
    asked = case_status_turn(session, ctx(reference, "case_status", conversation=conversation))
    if asked.slots.get("pending") != "identity":
        return texts(asked)
    return texts(case_status_turn(session, ctx(answer, "inform", conversation=conversation,
                                               slots=asked.slots)))


def case_of(session, reference: str) -> Case:
    return session.execute(select(Case).where(Case.reference == reference)).scalar_one()


def test_both_postcode_and_last_four_digits_are_needed(session) -> None:
    case = case_of(session, _submitted_case(session))
    assert identity_matches(case, "W10 6EL 0118")
    assert identity_matches(case, "my postcode is w106el and the number ends 0118")
    assert identity_matches(case, "07700 900118, W10 6EL")
    assert not identity_matches(case, "W10 6EL")  # a neighbour knows the postcode
    assert not identity_matches(case, "0118")
    assert not identity_matches(case, "W10 6EL 0119")  # a neighbour with another phone
    assert not identity_matches(case, "W10 6EM 0118")
    assert not identity_matches(case, "W10 0118")  # not a whole postcode


def test_guesses_from_new_conversations_lock_the_reference(session) -> None:
    reference = _submitted_case(session)
    for guess in range(MAX_FAILURES_PER_CASE):  # a new conversation for every guess
        assert NO_MATCH in check(session, reference, f"W10 6EL {guess:04d}", f"guess-{guess}")
    assert locked_until(session, reference) is not None
    # Now even the right answer, from yet another conversation, is not checked.
    assert check(session, reference, RIGHT, "the-resident") == CASE_LOCKED
    events = session.execute(select(CaseEvent).where(
        CaseEvent.case_id == case_of(session, reference).id, CaseEvent.kind == LOCK_EVENT)
    ).scalars().all()
    assert len(events) == 1 and "failed identity checks" in events[0].detail


def test_the_lock_opens_after_the_window(session) -> None:
    reference = _submitted_case(session)
    for guess in range(MAX_FAILURES_PER_CASE):
        check(session, reference, f"W10 6EL {guess:04d}", f"g{guess}")
    assert check(session, reference, RIGHT, "resident") == CASE_LOCKED
    session.execute(update(CaseLookupAttempt).where(CaseLookupAttempt.reference == reference)
                    .values(created_at=CaseLookupAttempt.created_at - timedelta(minutes=61)))
    assert locked_until(session, reference) is None
    assert "waiting for a member of staff" in check(session, reference, RIGHT, "resident")


def test_failures_below_the_limit_do_not_lock(session) -> None:
    reference = _submitted_case(session)
    for guess in range(MAX_FAILURES_PER_CASE - 1):
        check(session, reference, "W10 6EL 9999", f"n{guess}")
    assert locked_until(session, reference) is None
    assert "waiting for a member of staff" in check(session, reference, RIGHT, "resident")


def test_a_web_chat_asks_the_identity_check_even_for_its_own_case(session) -> None:
    """A web chat can be resumed by the next person on a shared computer."""
    conversation = "web-0123456789abcdef01234567-0123456789abcdef01234567"
    reference = _submitted_case(session, conversation=conversation)
    asked = case_status_turn(session, ctx("any news on my case?", "case_status",
                                          conversation=conversation))
    assert asked.slots == {"pending": "identity", "lookup_ref": reference}
    assert reference not in texts(asked) and "waiting for a member" not in texts(asked)
    answered = case_status_turn(session, ctx(RIGHT, "inform", conversation=conversation,
                                             slots=asked.slots))
    assert "waiting for a member of staff" in texts(answered)


def test_an_sms_conversation_gets_its_own_case_straight_away(session) -> None:
    """The phone number is the identity on SMS."""
    _submitted_case(session, conversation="sms-0123456789abcdef0123")
    answered = case_status_turn(session, ctx("any news on my case?", "case_status",
                                             conversation="sms-0123456789abcdef0123"))
    assert "waiting for a member of staff" in texts(answered)
