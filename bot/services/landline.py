"""Residents with no internet, or only a landline: no reply sends them online.

Once a resident says so ("I haven't got the internet", "I only have a landline"), the
conversation remembers it (slot ``offline_only``; ``landline_only`` on their case) and every
later reply is passed through `offline_reply`:

* sentences that send them online (a website, an email address, an online form, a link,
  "email the team") are taken out; sentences that only say an online service is down, or warn
  about links ("do not click links"), stay;
* the offline routes come first: a call back to their landline, the council's incident
  helpline, the customer service centre with its opening hours, and, for payments, only the
  offline ways the live status rows name (Direct Debit, bank transfer, Post Office, PayPoint,
  phone). Letters only where the council's data gives a "write to" route.

Every number, address and opening time comes from the council rows and status rows
(bot/db/seed.yml, changed by staff); nothing here is made up. Replies stay in English (status
answers may, issue #13); the resident's own language is handled by language_turns.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.language.offline_phrases import mentions_landline, says_offline_other_language
from bot.services.cases import open_case_for
from bot.services.councils import CouncilInfo, list_councils
from bot.services.status import get_status
from bot.services.subscription_turns import SMS_OFFER_QUESTION
from bot.services.turn import Message, Outcome, TurnContext, council_info, resolve_turn_council

SLOT = "offline_only"  # "no_internet", or "landline" (no texts either)

TEMPLATES = {
    "intro": "You do not need the internet for this. Here are ways to get help without it.",
    "call_back": (
        "A member of staff can call you back on your landline. Say \"call me\" and send your "
        "number."
    ),
    "helpline": "Phone the {council} incident helpline on {phone}.",
    "helplines": "Phone your council's incident helpline: {numbers}.",
    "centre": "Or go in person to the {centre}.",
    "centre_any": "Or go in person to your council's customer service centre.",
    "pay": "To pay without the internet: {ways}",
    "pay_ask": "To pay without the internet, ask the helpline which ways still work.",
    "post": "To complain by letter, {route}.",
}
_PAYMENT_SERVICES = ("payments", "council_tax")
_PAYMENT_TOPICS = re.compile(r"\b(?:pay|paying|payment|payments|council tax|bill|rent|fine)\b",
                             re.IGNORECASE)
_OFFLINE_PAYMENT = re.compile(
    r"direct debit|bank transfer|post office|paypoint|by phone|by cheque|cheque|at the bank",
    re.IGNORECASE,
)

_SAYS_OFFLINE = re.compile(
    r"\b(?:no|don'?t (?:have|use)|dont (?:have|use)|do not (?:have|use)|haven'?t got|havent got|"
    r"have not got|without|can'?t (?:use|get on|go on|get)|cant (?:use|get on|go on|get)|"
    r"cannot (?:use|get on|go on|get)|never use|not on|no access to)\s+(?:the\s+|an?\s+|any\s+)?"
    r"(?:internet|computer|smart ?phone|wi-?fi|broadband|email address|e-mail address|web)\b|"
    r"\b(?:only|just)\s+(?:have\s+|got\s+)?(?:a\s+|the\s+)?(?:landline|land line|house phone|"
    r"home phone)\b|\blandline only\b|\bnot online\b|\bcan'?t go online\b|\bcannot go online\b|"
    r"\bnot good with (?:computers|the internet|technology|phones)\b|"
    r"\bdon'?t do (?:the )?(?:internet|computers|email|online)\b|"
    r"\b(?:no|don'?t have a|do not have a|haven'?t got a)\s+mobile(?: phone)?\b(?!\s+signal)",
    re.IGNORECASE,
)
# A sentence that sends the resident online...
_ONLINE = re.compile(
    r"\b(?:website|web site|online|my account|log ?in|sign ?in|app|download|click|links?|"
    r"e-?mail|internet|web chat)\b|https?://|www\.|\S+@\S+\.\w+|"
    r"\b[\w-]+\.(?:gov\.uk|org\.uk|org|com|co\.uk)\b",
    re.IGNORECASE,
)
# ...unless it only says an online service is down, or warns against links.
_ONLINE_OK = re.compile(
    r"\b(?:not working|is down|are down|down\b|cannot|can'?t|unavailable|suspended|paused|"
    r"halted|not available|stuck|disrupted|do not|don'?t|never|no online)\b",
    re.IGNORECASE,
)
# "..., email incident@x.gov.uk, ..." in a list of contact routes, "a phone number or an email
# address": take out the email item only, so the rest of the sentence still helps.
_EMAIL_ITEM = re.compile(
    r",?\s*(?:or\s+)?(?:by\s+)?e-?mail\s+\S+@[\w.-]+\w|"
    r"(?:,\s*|\s+or\s+)(?:by\s+)?(?:an?\s+)?e-?mail(?:\s+address)?\b(?!\s+\S+@)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_LANDLINE = re.compile(r"\bland ?line\b|\b(?:house|home) phone\b|\bno mobile\b", re.IGNORECASE)
_TEXT_OFFER = re.compile(r"^Want a text when\b")


def _without_offer(message: Message) -> Message:
    """An SMS status text ends with the offer (bot.services.status_turns): keep the answer."""
    answer, found, _offer = message.text.partition("\n" + SMS_OFFER_QUESTION)
    return Message(answer) if found else message


def says_offline(text: str | None) -> bool:
    """True when the resident says they have no internet, or only a landline (in English or
    one of the 12 other languages, bot/language/offline_phrases.py)."""
    return bool(_SAYS_OFFLINE.search(text or "") or says_offline_other_language(text or ""))


def strip_online(text: str) -> tuple[str, bool]:
    """`text` without the sentences (or list items) that send the resident online, and whether
    anything was taken out."""
    cleaned = _EMAIL_ITEM.sub("", text)
    cleaned = re.sub(r"(:\s+|^\s*)or\s+", r"\1", cleaned)  # "Email x@y or write to" -> "write to"
    kept = []
    for sentence in _SENTENCE.split(cleaned):
        if _ONLINE.search(sentence) and not _ONLINE_OK.search(sentence):
            continue
        kept.append(sentence)
    result = " ".join(kept).strip()
    return result, result != text.strip()


def _payment_ways(session: Session, council: CouncilInfo) -> str | None:
    """The offline ways to pay that the live status rows name, in their own words."""
    ways: list[str] = []
    for service in _PAYMENT_SERVICES:
        view = get_status(session, council.id, service)
        if view is None or not view.workaround:
            continue
        for sentence in _SENTENCE.split(view.workaround):
            text, _ = strip_online(sentence)
            if text and _OFFLINE_PAYMENT.search(text) and text not in ways:
                ways.append(text)
    return " ".join(ways) or None


def _post_route(council: CouncilInfo) -> str | None:
    match = re.search(r"\bwrite to [^.]+", council.complaints_route or "", re.IGNORECASE)
    return match.group(0) if match else None


def offline_routes(session: Session, ctx: TurnContext, council: CouncilInfo | None) -> str:
    """The offline ways to get help, first the call back, all from the council's data."""
    parts = [TEMPLATES["intro"], TEMPLATES["call_back"]]
    if council is not None:
        if council.incident_helpline:
            parts.append(TEMPLATES["helpline"].format(council=council.short_name,
                                                      phone=council.incident_helpline))
        if council.customer_service_centre:
            parts.append(TEMPLATES["centre"].format(
                centre=council.customer_service_centre.rstrip(".")))
    else:
        numbers = "; ".join(f"{c.short_name} {c.incident_helpline}"
                            for c in list_councils(session) if c.incident_helpline)
        if numbers:
            parts.append(TEMPLATES["helplines"].format(numbers=numbers))
        parts.append(TEMPLATES["centre_any"])
    if _PAYMENT_TOPICS.search(ctx.text or "") or ctx.slot("service") in _PAYMENT_SERVICES:
        ways = _payment_ways(session, council) if council is not None else None
        parts.append(TEMPLATES["pay"].format(ways=ways) if ways else TEMPLATES["pay_ask"])
    if ctx.intent == "complaint" and council is not None and _post_route(council):
        parts.append(TEMPLATES["post"].format(route=_post_route(council)))
    return " ".join(part if part.endswith((".", "?", "!")) else part + "." for part in parts)


def remember_offline(session: Session, ctx: TurnContext, outcome: Outcome) -> bool:
    """Whether this conversation is offline-only; noted in the slot and on the open case."""
    said_now = says_offline(ctx.text)
    if not (said_now or ctx.slot(SLOT)):
        return False
    text = ctx.text or ""
    kind = "landline" if _LANDLINE.search(text) or mentions_landline(text) else "no_internet"
    if said_now and ctx.slot(SLOT) != "landline" and ctx.slot(SLOT) != kind:
        outcome.slots[SLOT] = kind
    case = open_case_for(session, ctx.conversation_id)
    if case is not None and not case.landline_only:
        case.landline_only = True
    return True


def offline_reply(session: Session, ctx: TurnContext, outcome: Outcome) -> Outcome:
    """After any turn: for an offline resident, no online routes and the offline ones first."""
    if not remember_offline(session, ctx, outcome):
        return outcome
    removed = False
    if not (outcome.localised and ctx.language != "en"):  # translated safety texts stay whole
        for message in outcome.messages:
            message.text, changed = strip_online(message.text)
            removed = removed or changed
        outcome.messages = [m for m in outcome.messages if m.text or m.buttons]
    if (outcome.slots.get(SLOT) or ctx.slot(SLOT)) == "landline" and outcome.slots.get(
            "subscribe_offer"):
        # a landline cannot take the "text me when it's back" message
        outcome.messages = [_without_offer(m) for m in outcome.messages
                            if not _TEXT_OFFER.match(m.text)]
        outcome.slots["subscribe_offer"] = None
    first_time = says_offline(ctx.text) and not ctx.slot(SLOT)
    if first_time or removed or not outcome.messages:
        council = council_info(session, resolve_turn_council(session, ctx))
        routes = Message(offline_routes(session, ctx, council))
        # offline routes first, except after emergency guidance (999 always comes first)
        urgent = bool(outcome.messages) and "999" in outcome.messages[0].text
        outcome.messages.insert(1 if urgent else 0, routes)
    return outcome
