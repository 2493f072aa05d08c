"""The abuse path after the first disclosure: "I can't talk", "he reads my texts", "he's here".

Why its own turn: these short messages mean one thing only in context. Said on an open urgent
case they are not a request for a person, not a skipped question and not nonsense, so they
must never reach the fallback or end the contact form. Each is answered at once with the
route that fits (999 then 55; no texts to a watched phone) and recorded on the case, so
staff never call or text against what the resident said.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.db.models import Case
from bot.services.cases import open_case_for
from bot.services.turn import SMS_CHANNEL, Outcome, TurnContext

_NOT = r"(?:can'?t|cannot|can not|unable to|not able to|couldn'?t|daren'?t|dare not)"
CANT_TALK = re.compile(
    rf"\b{_NOT}\s+(?:talk|speak)\b|\bnot\s+(?:safe\s+)?to\s+(?:talk|speak)\b",
    re.IGNORECASE,
)
_WHO = r"(?:he|she|they|my\s+(?:ex|partner|husband|wife|boyfriend|girlfriend|dad|mum|son))"
WATCHED_PHONE = re.compile(
    rf"\b{_WHO}(?:'s| is| are)?\s+(?:always\s+|sometimes\s+)?(?:reads?|reading|checks?|checking|"
    r"goes through|going through|looks? (?:at|through)|looking (?:at|through)|sees?|watch(?:es)?|"
    r"monitors?|takes?|has|controls?)\s+(?:all\s+)?my\s+(?:texts?|messages?|phone|mobile|emails?|"
    r"sms)\b|\b(?:shared|share|same) (?:phone|mobile)\b|\b(?:he|she)'?(?:ll|d) see\b",
    re.IGNORECASE,
)
# "my ex is banging on my door and I'm scared": a partner or ex and fear or force
_PARTNER = re.compile(r"\b(?:my|his|her)\s+(?:ex|ex-?partner|ex-?husband|ex-?wife|partner|"
                      r"husband|wife|boyfriend|girlfriend|bf|gf)\b", re.IGNORECASE)
_THREAT = re.compile(r"\b(?:scared|afraid|frightened|terrified|banging|kicking|threaten\w*|"
                     r"hit\w*|hurt\w*|beat\w*|attack\w*|strangl\w*|choke\w*|won'?t leave|"
                     r"follow\w*|stalk\w*)\b", re.IGNORECASE)
# someone present who is the danger: "he's here", "she is outside"
_PRESENT = re.compile(r"\b(?:he|she)(?:'s| is)\s+(?:outside|here|at the door|downstairs|"
                      r"back|in the house|coming)\b", re.IGNORECASE)

# "text only, he checks my phone", "call 07700 900118, he reads my texts": a route chosen, so
# the contact form's consent answer handles it (bot.services.contact_turns.record_consent)
_ROUTE_CHOSEN = re.compile(r"\b(?:text|call|phone|ring|email)s?\s+only\b|\bonly\s+(?:text|call|"
                           r"phone|ring|email)|@|\d{5}", re.IGNORECASE)

# urgent cases where the danger may be a person in the home
_PERSON_DANGER = {"domestic_abuse", "safeguarding", "general"}

CANT_TALK_REPLY = ("If you cannot speak, call 999 and press 55 when asked: the police will "
                   "know it is real. We will not call you. You can keep writing here.")
CANT_TALK_SMS = "Can't speak? Call 999, then press 55. We won't call you. You can keep texting."
WATCHED_REPLY = ("Thank you for telling me. We will not text or call this number. If there is a "
                 "safer number or email, send it here. Your case {reference} is with staff.")
WATCHED_SMS = ("We won't text or call this number. Delete these texts if that keeps you safe. "
               "Send a safer number or email if you have one. Case {reference}.")


def partner_threat(text: str) -> bool:
    """A partner or ex with fear or force in one message: domestic abuse, whatever else."""
    return bool(_PARTNER.search(text or "") and _THREAT.search(text or ""))


def abuser_present(text: str) -> bool:
    return bool(_PRESENT.search(text or ""))


def _mark(case: Case, **values: object) -> None:
    details = dict(case.details or {})
    details.update(values)
    case.details = details


def abuse_followup_turn(session: Session, ctx: TurnContext) -> Outcome | None:
    """The answer to "I can't talk" or "he reads my texts" on an open case where the danger may
    be a person (abuse, safeguarding, an unclear emergency, "he's here"); None otherwise."""
    text = ctx.text or ""
    if text.startswith("/"):
        return None
    talk, watched = bool(CANT_TALK.search(text)), bool(WATCHED_PHONE.search(text))
    if not (talk or watched) or _ROUTE_CHOSEN.search(text):
        return None
    case = open_case_for(session, ctx.conversation_id)
    details = (case.details or {}) if case is not None else {}
    if case is None or not (details.get("sensitive") or details.get("in_danger_now") or (
            case.priority == "urgent" and case.urgent_category in _PERSON_DANGER)):
        return None  # "I can't talk now, I'm at work" about a boiler is not this path
    sms = ctx.channel == SMS_CHANNEL
    _mark(case, sensitive=True)
    outcome = Outcome(slots={"pending": None})
    if watched:
        sms_number = case.phone if sms and details.get("sms_number_confirmed") is None else None
        if sms_number is not None or (sms and not case.phone):
            # the number they text from is watched: never a contact route
            if case.phone == sms_number and sms_number is not None:
                case.phone = None
            _mark(case, reach="declined", sms_number_confirmed=False)
            outcome.slots["contact_reach"] = "declined"
        _mark(case, phone_watched=True, no_texts=True)
        if case.preferred_contact == "text":
            case.preferred_contact = None
    if talk:
        case.safe_to_call = False
        _mark(case, cannot_speak=True)
        if not watched:
            return outcome.say(CANT_TALK_SMS if sms else CANT_TALK_REPLY)
    reply = (WATCHED_SMS if sms else WATCHED_REPLY).format(reference=case.reference)
    if talk:
        reply = (CANT_TALK_SMS if sms else CANT_TALK_REPLY) + " " + reply
    return outcome.say(reply)
