"""The case-status identity check cannot be guessed (issue #15, item 3).

Against the real (SQLite, migrated) database: the check needs the postcode AND the last four
digits of the phone, and failed checks count per case reference across conversations, so a
new conversation per guess gets nowhere; the lock shows on the case as an event staff read.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.channels.client_key import (
    CLIENT_KEY,
    client_from_metadata,
    client_pseudonym,
    stamp_client,
)
from bot.db.models import Case, CaseEvent, CaseLookupAttempt
from bot.parsing.references import ALPHABET
from bot.services.case_status_guard import (
    LOCK_EVENT,
    MAX_FAILURES_PER_CASE,
    client_locked_until,
    identity_matches,
    locked_until,
)
from bot.services.case_status_turns import (
    CASE_LOCKED,
    CLIENT_LOCKED,
    NO_MATCH,
    NOT_FOUND_BY_PHONE,
    case_status_turn,
    one_slip_matches,
)
from tests.test_conversation_threads import _submitted_case
from tests.test_turns import ctx, texts

RIGHT = "W10 6EL 0118"  # the case from _submitted_case: W10 6EL, 07700 900118


def check(session, reference: str, answer: str, conversation: str,
          client: str | None = None) -> str:
    asked = case_status_turn(session, ctx(reference, "case_status", conversation=conversation,
                                          client=client))
    if asked.slots.get("pending") != "identity":
        return texts(asked)
    return texts(case_status_turn(session, ctx(answer, "inform", conversation=conversation,
                                               slots=asked.slots, client=client)))


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


# -- per client, across references and conversations (the channel's pseudonym) ----------------

GUESSER = client_pseudonym("rest", "203.0.113.7", "test-key")
NEIGHBOUR = client_pseudonym("rest", "198.51.100.4", "test-key")


def test_a_client_guessing_across_references_is_locked_out(
    session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two wrong answers per case (never enough to lock a case), a new conversation every
    time: the client is stopped all the same, and only that client."""
    monkeypatch.setenv("CASE_CHECK_CLIENT_FAILURES", "6")
    references = [_submitted_case(session, conversation=f"owner-{n}") for n in range(4)]
    guesses = 0
    for reference in references[:3]:
        for digits in ("1111", "2222"):
            assert NO_MATCH in check(session, reference, f"W10 6EL {digits}", f"g{guesses}",
                                     client=GUESSER)
            guesses += 1
    assert all(locked_until(session, reference) is None for reference in references)
    assert client_locked_until(session, GUESSER) is not None
    # Even the right answer for a case it never tried, from a brand-new conversation:
    assert check(session, references[3], RIGHT, "fresh", client=GUESSER) == CLIENT_LOCKED
    # The lost-reference route is closed to it too.
    by_phone = case_status_turn(session, ctx("07700 900118 W10 6EL", "case_status",
                                             conversation="fresh2", client=GUESSER))
    assert texts(by_phone) == CLIENT_LOCKED
    # Another client (another address) is answered as usual.
    assert "waiting for a member of staff" in check(session, references[3], RIGHT, "other",
                                                    client=NEIGHBOUR)


def test_a_client_lock_opens_after_the_window_and_the_limit_is_a_setting(
    session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASE_CHECK_CLIENT_FAILURES", "2")
    reference = _submitted_case(session)
    for guess in range(2):
        check(session, reference, "W10 6EL 9999", f"w{guess}", client=GUESSER)
    assert check(session, reference, RIGHT, "resident", client=GUESSER) == CLIENT_LOCKED
    session.execute(update(CaseLookupAttempt).where(CaseLookupAttempt.client_key == GUESSER)
                    .values(created_at=CaseLookupAttempt.created_at - timedelta(minutes=61)))
    assert client_locked_until(session, GUESSER) is None
    assert "waiting for a member of staff" in check(session, reference, RIGHT, "resident",
                                                    client=GUESSER)


def test_wrong_phone_and_postcode_count_per_client(
    session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lost-reference search is an identity guess."""
    monkeypatch.setenv("CASE_CHECK_CLIENT_FAILURES", "2")
    for n in range(2):
        missed = case_status_turn(session, ctx("07700 900999 W10 6EL", "case_status",
                                               conversation=f"p{n}", client=GUESSER))
        assert NOT_FOUND_BY_PHONE in texts(missed)
    assert client_locked_until(session, GUESSER) is not None
    assert client_locked_until(session, None) is None  # no channel pseudonym: not counted


def test_made_up_references_from_new_conversations_lock_the_client_out(
    session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown references, each from a brand-new conversation (so the per-conversation limit
    never bites), none a one-character slip of a real case: guesses, counted per client."""
    monkeypatch.setenv("CASE_CHECK_CLIENT_FAILURES", "3")
    real = _submitted_case(session)
    made_up = ["KC-7KQ2-M9XD", "HF-2222-3333", "WM-ABCD-EFGH"]
    assert not any(one_slip_matches(session, reference) for reference in made_up)
    for n, reference in enumerate(made_up):
        assert client_locked_until(session, GUESSER) is None
        assert "I can't find a case" in check(session, reference, "", f"made-up{n}",
                                              client=GUESSER)
    assert client_locked_until(session, GUESSER) is not None
    # The same lockout reply, even for a real reference with the right answer:
    assert check(session, real, RIGHT, "made-up-next", client=GUESSER) == CLIENT_LOCKED
    assert check(session, "KC-9999-9999", "", "made-up-last", client=GUESSER) == CLIENT_LOCKED
    # Another client is answered as usual, and the real case is not locked by them.
    assert locked_until(session, real) is None
    assert "waiting for a member of staff" in check(session, real, RIGHT, "other",
                                                    client=NEIGHBOUR)


def test_a_one_character_slip_of_a_real_reference_is_not_a_client_failure(
    session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mistyped reference gets "did you mean" and is limited per conversation only: a
    resident retyping their reference from a shared address is not locked out."""
    monkeypatch.setenv("CASE_CHECK_CLIENT_FAILURES", "2")
    real = _submitted_case(session)
    last = real[-1]
    slipped = real[:-1] + next(c for c in ALPHABET if c != last)
    for n in range(4):
        asked = case_status_turn(session, ctx(slipped, "case_status", conversation=f"slip{n}",
                                              client=GUESSER))
        assert f"Did you mean {real}?" in texts(asked)
    assert client_locked_until(session, GUESSER) is None
    assert "waiting for a member of staff" in check(session, real, RIGHT, "slip-right",
                                                    client=GUESSER)


def test_only_the_channel_can_name_the_client() -> None:
    """Whatever a resident puts in metadata (top level or customData) is replaced."""
    claimed = {CLIENT_KEY: NEIGHBOUR, "customData": {CLIENT_KEY: NEIGHBOUR, "council": "x"},
               "council": "westminster"}
    stamped = stamp_client(claimed, GUESSER)
    assert stamped[CLIENT_KEY] == GUESSER and CLIENT_KEY not in stamped["customData"]
    assert stamped["customData"] == {"council": "x"} and stamped["council"] == "westminster"
    assert claimed[CLIENT_KEY] == NEIGHBOUR  # the caller's dict is not changed
    assert client_from_metadata(stamped) == GUESSER
    for bad in ({CLIENT_KEY: "anything"}, {CLIENT_KEY: 5}, None, [], {}):
        assert client_from_metadata(bad) is None
    assert client_pseudonym("sms", "sms-abc", "k") != client_pseudonym("web", "sms-abc", "k")
    assert client_pseudonym("web", "1.2.3.4", "k") != client_pseudonym("web", "1.2.3.4", "k2")
    assert "203.0.113.7" not in GUESSER


def test_the_action_glue_reads_the_client_from_the_top_level_only() -> None:
    from rasa_sdk import Tracker

    from actions.runtime import context_from_tracker

    def tracker(metadata: dict) -> Tracker:
        return Tracker("c1", {}, {"text": "hi", "metadata": metadata}, [], False, None, {}, "")

    assert context_from_tracker(tracker({CLIENT_KEY: GUESSER})).client == GUESSER
    forged = tracker({"customData": {CLIENT_KEY: NEIGHBOUR}})
    assert context_from_tracker(forged).client is None
