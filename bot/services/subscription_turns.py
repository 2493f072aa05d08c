"""'Text me when it's back': the offer after a status answer, and the yes, the no, the number.

After any status answer about a service that is not working, the resident is offered one text
when it is back. By SMS their own number is used (after a clear yes); on web chat they give a
UK mobile number, and the confirmation carries a link that ends that one subscription. The
subscription itself (one per council, service and number, 30 days, one
text per restoration) is bot.services.subscriptions.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.config import ConfigurationError
from bot.db.models import Subscription
from bot.services.subscriptions import normalise_subscriber, subscribe
from bot.services.turn import SMS_CHANNEL, Outcome, TurnContext, button, sms_phone
from bot.services.unsubscribe_link import link_for

logger = logging.getLogger(__name__)
ASK_MOBILE = ("What UK mobile number should I text? (I'll only use it for this, and you can "
              "reply STOP at any time.)")


SMS_OFFER_QUESTION = "Want a text when it's back?"
# what the SMS channel makes of the two buttons (bot.channels.sms_render.choices_prompt)
SMS_OFFER_CHOICES = "Reply 1 for Yes, text me or 2 for No, thanks."


def offer(outcome: Outcome, council_id: str, service_id: str, service_name: str,
          lead: str = "") -> Outcome:
    """Add the offer to a status answer about a service that is not working. With `lead` (the
    SMS status answer) the offer ends that same text, so the whole turn is one text."""
    outcome.slots["subscribe_offer"] = f"{council_id}:{service_id}"
    outcome.slots["offer"] = None  # a "yes" now answers this offer, not an earlier one
    buttons = [button("Yes, text me", "affirm"), button("No, thanks", "deny")]
    if lead:
        return outcome.say(f"{lead}\n{SMS_OFFER_QUESTION}", buttons)
    return outcome.say(f"Want a text when {service_name} is working again?", buttons)


def _channel(ctx: TurnContext) -> str:
    return "sms" if ctx.channel == SMS_CHANNEL else (
        "socketio" if ctx.channel == "socketio" else "rest")


def _subscribe(session: Session, ctx: TurnContext, phone: str) -> Outcome:
    council_id, _, service_id = str(ctx.slot("subscribe_offer")).partition(":")
    outcome = Outcome(slots={"subscribe_offer": None, "pending": None})
    channel = _channel(ctx)
    try:
        subscription = subscribe(session, council_id, service_id, phone, channel)
    except ValueError:
        logger.warning("subscription refused for %s", ctx.conversation_id)
        return outcome.say("Sorry, I couldn't set that up. You can ask me again at any time.")
    from bot.channels.sms_store import is_opted_out

    stopped = " You replied STOP earlier, so text START first." if is_opted_out(phone) else ""
    link = "" if channel == "sms" else _unsubscribe_line(subscription)
    return outcome.say("Done: I'll send you one text when it's working again, within the next "
                       f"30 days. Reply STOP to that number to cancel.{stopped}{link}")


def _unsubscribe_line(subscription: Subscription) -> str:
    """On web chat: the link that ends this one subscription (bot.services.unsubscribe_link).
    Without a link key (misconfigured) the confirmation still goes, without the link."""
    try:
        return f" To stop just this text, open {link_for(subscription)}"
    except ConfigurationError:
        logger.warning("no unsubscribe link: CONVERSATION_ID_KEY is not configured")
        return ""


def subscribe_yes_turn(session: Session, ctx: TurnContext) -> Outcome:
    """Yes to the offer: by SMS use their number; on the web ask for a mobile."""
    phone = sms_phone(session, ctx)
    if phone:
        return _subscribe(session, ctx, phone)
    return Outcome(slots={"pending": "subscribe_phone"}).say(ASK_MOBILE)


def subscribe_phone_turn(session: Session, ctx: TurnContext) -> Outcome:
    """The mobile number typed after ASK_MOBILE (anything else: asked once more, then dropped)."""
    try:
        phone = normalise_subscriber(ctx.entity("phone") or ctx.text, "socketio")
    except ValueError:
        if ctx.slot("subscribe_retry"):
            return Outcome(slots={"pending": None, "subscribe_offer": None,
                                  "subscribe_retry": None}).say(
                "OK, I won't set up a text. You can ask me again at any time.")
        return Outcome(slots={"subscribe_retry": "asked"}).say(
            "That doesn't look like a UK mobile number. It has 11 digits and starts 07, like "
            "07700 900123. Or say \"no\" to skip.")
    outcome = _subscribe(session, ctx, phone)
    outcome.slots["subscribe_retry"] = None
    return outcome


def subscribe_no_turn(session: Session, ctx: TurnContext) -> Outcome:
    return Outcome(slots={"subscribe_offer": None, "pending": None,
                          "subscribe_retry": None}).say(
        "OK, no text. Is there anything else I can help with?")
