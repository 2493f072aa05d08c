"""Turns about service status, and the routing of short answers to the question last asked."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.services.councils import council_from_text, our_districts
from bot.services.language_turns import is_other_language, not_understood
from bot.services.scope import (
    other_council,
    out_of_area_answer,
    signpost,
    unlisted_service,
    unlisted_service_answer,
)
from bot.services.status import (
    asks_for_overview,
    contact_routes,
    describe_age,
    get_status,
    list_statuses,
    overview_answer,
    status_answer,
)
from bot.services.subscription_turns import (
    SMS_OFFER_CHOICES,
    SMS_OFFER_QUESTION,
    subscribe_phone_turn,
)
from bot.services.subscription_turns import offer as offer_subscription
from bot.services.topics import pointer, secondary_topics
from bot.services.turn import (
    OUTWARD_CODE,
    SMS_CHANNEL,
    Outcome,
    TurnContext,
    button,
    council_buttons,
    council_info,
    resolve_turn_council,
    resolve_turn_service,
    service_buttons,
)

SMS_STATUS_SEGMENTS = 2
# "Council tax (Westminster): disrupted." - short, and right for plural service names too
SMS_STATE_WORDS = {"operating": "working normally", "disrupted": "disrupted",
                   "unavailable": "not available now"}
# the offer that ends an SMS status text: "\nWant a text when it's back?\nReply 1 for Yes, ..."
SMS_OFFER_SEPTETS = len("\n" + SMS_OFFER_QUESTION + "\n" + SMS_OFFER_CHOICES)

COUNCIL_QUESTION = (
    "Which council area are you in? Choose one, or send your postcode (for example W10 6EL)."
)
SERVICE_QUESTION = "Which service is it about? Choose one or tell me in your own words."


def service_status_turn(session: Session, ctx: TurnContext) -> Outcome:
    """Answer from the live status rows, asking first for whatever is missing."""
    outcome = Outcome()
    council_id = resolve_turn_council(session, ctx)
    fresh_service = resolve_turn_service(ctx, use_slot=False)
    overview = fresh_service is None and asks_for_overview(ctx.text)
    service_id = fresh_service or (None if overview else resolve_turn_service(ctx))
    outcome.slots.update({"council": council_id, "pending": None})
    if service_id:
        outcome.slots["service"] = service_id
    elsewhere = None if council_id else other_council(ctx.text, our_districts(session))
    if elsewhere is not None:
        return outcome.say(out_of_area_answer(elsewhere))
    go_elsewhere = None if overview or unlisted_service(ctx.text) else signpost(
        ctx.text, fresh_service)
    if go_elsewhere:  # Universal Credit, the NHS, TfL...: not a council status to give
        return outcome.say(go_elsewhere)
    if not service_id and not overview:
        council = council_info(session, council_id)
        unlisted = unlisted_service(ctx.text)
        if unlisted or ctx.slot("pending") == "service":
            # never the same menu twice: say plainly what we don't know and where to go
            routes = contact_routes(council) if council else None
            return outcome.say(unlisted_service_answer(unlisted or "that", routes))
        outcome.slots["pending"] = "service"
        return outcome.say(SERVICE_QUESTION, service_buttons(session))
    if not council_id:
        outcome.slots["pending"] = "overview" if overview else "council"
        if service_id:  # kept until a council arrives, whatever comes in between
            outcome.slots["waiting_status"] = service_id
        return outcome.say(COUNCIL_QUESTION, council_buttons(session))
    council = council_info(session, council_id)
    if overview:
        return outcome.say(overview_answer(list_statuses(session, council_id), council))
    view = get_status(session, council_id, service_id)
    waiting = ctx.slot("waiting_status")
    outcome.slots["waiting_status"] = None
    if waiting and waiting != service_id:
        earlier = get_status(session, council_id, waiting)
        if earlier is not None:  # the question asked before the council was known
            outcome.say(_status_text(ctx, earlier, council))
    if view is None:
        return outcome.say(
            f"I don't have a status for that service in {council.short_name} yet. "
            'You can ask a member of staff: say "speak to a person".'
        )
    service_name = view.service_name.split(",")[0]
    if ctx.channel == SMS_CHANNEL:  # one text of two segments at most, the offer included
        if view.state == "operating":
            return outcome.say(sms_status_answer(view, council))
        answer = sms_status_answer(view, council, reserve=SMS_OFFER_SEPTETS)
        return offer_subscription(outcome, council_id, service_id, service_name, lead=answer)
    outcome.say(status_answer(view, council))
    if view.state != "operating":
        offer_subscription(outcome, council_id, service_id, service_name)
    for topic, service in secondary_topics(ctx.text, "service_status"):
        outcome.say(pointer(topic, service))
    return outcome


def _status_text(ctx: TurnContext, view, council) -> str:  # noqa: ANN001
    return sms_status_answer(view, council) if ctx.channel == SMS_CHANNEL else status_answer(
        view, council)


def sms_status_answer(view, council, reserve: int = 0) -> str:  # noqa: ANN001 - StatusView, CouncilInfo
    """The status answer cut to two GSM-7 segments less `reserve` septets (the "text me when
    it's back" offer that ends the same text): state, what to do, one route, the age."""
    from bot.channels.sms_render import gsm7_segments, to_gsm7

    def fits(text: str) -> bool:
        return gsm7_segments(text + "x" * reserve) <= SMS_STATUS_SEGMENTS

    name = view.service_name.split(",")[0]
    head = f"{name} ({council.short_name}): {SMS_STATE_WORDS.get(view.state, view.state)}."
    route = ""
    if view.state != "operating":
        helpline = council.incident_helpline or council.out_of_hours_phone
        route = f" Help: {helpline}." if helpline else ""
    tail = f" (Updated {describe_age(view.updated_at)}.)"
    body = ""
    for sentence in re.split(r"(?<=[.!?])\s+", (view.workaround or "").strip()):
        if not sentence:
            continue
        candidate = f"{body} {sentence}" if body else sentence
        if not fits(to_gsm7(f"{head} {candidate}{route}{tail}")):
            break
        body = candidate
    text = to_gsm7(f"{head} {body}{route}{tail}" if body else f"{head}{route}{tail}")
    if not fits(text):
        text = to_gsm7(f"{head}{route}{tail}")
    return text


def inform_turn(session: Session, ctx: TurnContext) -> Outcome:
    """A bare detail ("W10 6EL", "bins", "westminster") answers the last question asked."""
    from bot.services.advice import scam_loss

    pending = ctx.slot("pending")
    if scam_loss(ctx.text):
        from bot.services.advice_turns import phishing_turn

        return phishing_turn(session, ctx)
    if pending in ("service", "council"):
        return service_status_turn(session, ctx)
    if pending == "vulnerability":
        from bot.services.escalation_turns import vulnerability_answer_turn

        return vulnerability_answer_turn(session, ctx)
    if pending == "subscribe_phone":
        return subscribe_phone_turn(session, ctx)
    if pending == "safety_check":
        from bot.services.escalation_turns import safety_check_answer_turn

        return safety_check_answer_turn(session, ctx)
    if pending == "overview":
        overview_ctx = TurnContext(**{**ctx.__dict__, "text": "what is working"})
        overview_ctx.entities = ctx.entities
        council_id = resolve_turn_council(session, ctx)
        if council_id:
            overview_ctx.slots = {**ctx.slots, "council": council_id}
        return service_status_turn(session, overview_ctx)
    if pending in ("case_ref", "identity", "find_case"):
        from bot.services.case_status_turns import case_status_turn

        return case_status_turn(session, ctx)
    if resolve_turn_service(ctx, use_slot=False):
        return service_status_turn(session, ctx)
    council_id = resolve_turn_council(session, ctx)
    elsewhere = None if council_id else other_council(ctx.text, our_districts(session))
    if elsewhere is not None:
        return Outcome().say(out_of_area_answer(elsewhere))
    if council_id and (
        ctx.entity("council") or council_from_text(ctx.text) or ctx.entity("postcode")
        or OUTWARD_CODE.search(ctx.text or "")
    ):
        if ctx.slot("waiting_status"):  # "I'm in W11" after a digression: answer it now
            waiting_ctx = TurnContext(**{**ctx.__dict__})
            waiting_ctx.slots = {**ctx.slots, "service": ctx.slot("waiting_status"),
                                 "waiting_status": None, "council": council_id}
            return service_status_turn(session, waiting_ctx)
        council = council_info(session, council_id)
        return Outcome(slots={"council": council_id}).say(
            f"Thanks, I'll give you answers for {council.short_name}. What would you like to know?"
        )
    return fallback_turn(session, ctx, route_pending=False)


def fallback_turn(session: Session, ctx: TurnContext, route_pending: bool = True) -> Outcome:
    """Unclear message: route it to a pending question if there is one, else offer options."""
    from bot.services.advice import scam_loss

    if route_pending and ctx.slot("pending"):
        return inform_turn(session, ctx)
    if scam_loss(ctx.text):  # "oh no I already put my card in"
        from bot.services.advice_turns import phishing_turn

        return phishing_turn(session, ctx)
    if ctx.slot("waiting_status") and _council_named(session, ctx):
        return inform_turn(session, ctx)
    if resolve_turn_service(ctx, use_slot=False):
        return service_status_turn(session, ctx)
    if is_other_language(ctx):
        return not_understood(ctx)
    return Outcome().say(
        "Sorry, I'm not sure I understood. Could you say it another way? Or choose one of "
        "these. If you or someone else is in danger, call 999.",
        [
            button("Is a service working?", "service_status"),
            button("Worried about my data", "data_concern"),
            button("Suspicious message", "phishing_report"),
            button("Speak to a person", "human_request"),
        ],
    )


OUT_OF_SCOPE = (
    "Sorry, I can only help with council services, the current disruption, worries about your "
    "data and scams, and getting you to a member of staff. Is there anything like that I can "
    "help with?"
)


def out_of_scope_turn(session: Session, ctx: TurnContext) -> Outcome:
    """A message that names a council service is never brushed off as out of scope."""
    from bot.services.advice import scam_loss

    if scam_loss(ctx.text):
        from bot.services.advice_turns import phishing_turn

        return phishing_turn(session, ctx)
    if ctx.slot("pending") in ("case_ref", "find_case"):  # "I lost my reference": an answer
        from bot.services.case_status_turns import case_status_turn

        return case_status_turn(session, ctx)
    go_elsewhere = signpost(ctx.text, resolve_turn_service(ctx, use_slot=False))
    if go_elsewhere:  # another organisation's: say which, and how to reach it
        return Outcome().say(go_elsewhere)
    if resolve_turn_council(session, ctx) is None:  # "is Brent council hacked too?"
        elsewhere = other_council(ctx.text, our_districts(session))
        if elsewhere is not None:
            return Outcome().say(out_of_area_answer(elsewhere))
    if resolve_turn_service(ctx, use_slot=False):
        return service_status_turn(session, ctx)
    if is_other_language(ctx):
        return not_understood(ctx)
    return Outcome().say(OUT_OF_SCOPE)


def _council_named(session: Session, ctx: TurnContext) -> bool:
    from bot.services.councils import resolve_council

    text = ctx.text or ""
    return any(resolve_council(session, c) for c in (
        ctx.entity("council"), ctx.entity("postcode"), council_from_text(text),
        *OUTWARD_CODE.findall(text)))
