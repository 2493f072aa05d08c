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
from bot.language import message
from bot.language.abuse_phrases import (
    cant_talk_other_language,
    phone_watched_other_language,
    route_chosen_other_language,
)
from bot.services.cases import open_case_for
from bot.services.language_turns import is_other_language, record_language
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
# "he threw me out", "my mum kicked me out", "my partner changed the locks": someone at home
# putting the resident out is a sign of abuse (they may be watched or followed), so the case is
# handled as sensitive while it keeps its emergency housing route
_FAMILY = re.compile(r"\b(?:my|his|her|our)\s+(?:mum|mom|mother|dad|father|step-?(?:dad|mum|mom|"
                     r"father|mother)|parents?|brother|sister|son|daughter|family|uncle|aunt|"
                     r"auntie|nan|gran|grandma|grandad|cousin|in-?laws|(?:mother|father|"
                     r"brother|sister)-in-law|fianc[eé]e?|other half|man|missus|fella)\b",
                     re.IGNORECASE)
_EXPEL = (r"(?:(?:threw|thrown|throw|throws|throwing|kicked|kick|kicks|kicking|chucked|chuck|"
          r"chucks|turfed|booted|put|locked|lock|locks|locking|shut|forced|pushed)\s+(?:me|us)"
          r"\s+out\b|(?:told|tells|telling|ordered)\s+(?:me|us)\s+to\s+(?:leave|get out|go\b|"
          r"pack)|won'?t\s+let\s+(?:me|us)\s+(?:\w+\s+)?(?:in|inside|home|back)\b|"
          r"changed\s+the\s+locks)")
_EXPELLED = re.compile(rf"\b{_EXPEL}", re.IGNORECASE)
_EXPELLED_BY_HIM_OR_HER = re.compile(
    rf"\b(?:he|she)(?:'s|'d| has| had| just| has just)?\s+(?:\w+\s+)?{_EXPEL}", re.IGNORECASE)
# "my landlord locked me out", "they locked me out of my account": not someone at home
# ("he threw me out, I need emergency housing" or "... should I call the police" still counts)
_OTHER_ACTOR = re.compile(r"\b(?:landlord|landlady|letting|agents?|agency|bailiffs?|council "
                          r"(?:officer|staff|workers?)|housing (?:association|officer)|hostel|"
                          r"flat-?mates?|house-?mates?|room-?mates?|lodgers?|neighbou?rs?|"
                          r"security|staff|manager|boss|employer|school|college|club|pub|"
                          r"bar)\b", re.IGNORECASE)
_NOT_A_HOME = re.compile(r"\b(?:account|log ?in|login|password|app|website|online|email|"
                         r"portal|system|computer|laptop|car)\b", re.IGNORECASE)

# someone present who is the danger: "he's here", "she is outside"
_PRESENT = re.compile(r"\b(?:he|she)(?:'s| is)\s+(?:outside|here|at the door|downstairs|"
                      r"back|in the house|coming)\b", re.IGNORECASE)

# "text only, he checks my phone", "SMS only, ...", "text me only, ...", "call 07700 900118, he
# reads my texts": a route chosen, so the contact form's consent answer handles it
# (bot.services.contact_turns.record_consent); "he reads my texts only" is not one. The other
# languages: bot.language.abuse_phrases.route_chosen_other_language
_ROUTE_CHOSEN = re.compile(
    r"(?<!my )\b(?:text|txt|sms|message|call|phone|ring|email)(?:s|es)?(?:\s+me)?\s+only\b|"
    r"\bonly\s+(?:by\s+|via\s+)?(?:text|txt|sms|message|call|phone|ring|email)|@|\d{5}",
    re.IGNORECASE,
)

# urgent cases where the danger may be a person in the home
_PERSON_DANGER = {"domestic_abuse", "safeguarding", "general"}

# the replies, in the resident's language: translations/*.yml (English source in en.yml)
CANT_TALK_KEY, WATCHED_KEY = "abuse.cant_talk", "abuse.phone_watched"


def partner_threat(text: str) -> bool:
    """A partner or ex with fear or force in one message: domestic abuse, whatever else."""
    return bool(_PARTNER.search(text or "") and _THREAT.search(text or ""))


def put_out_by_partner_or_family(text: str) -> bool:
    """A partner, ex or family member ("he", "she") put the resident out of the home or will
    not let them back: possible domestic abuse, not only a housing problem."""
    text = text or ""
    if not _EXPELLED.search(text) or _NOT_A_HOME.search(text):
        return False
    if _PARTNER.search(text) or _FAMILY.search(text):
        return True
    return bool(_EXPELLED_BY_HIM_OR_HER.search(text) and not _OTHER_ACTOR.search(text))


def abuse_signal(text: str) -> bool:
    """Anything in one message that makes the case sensitive: a partner or ex with fear or
    force, someone at home putting the resident out, or the danger being there now."""
    return partner_threat(text) or put_out_by_partner_or_family(text) or abuser_present(text)


def route_chosen(text: str) -> bool:
    """"Text only", "SMS only", a number or an address given, in English or one of the 12
    other languages: a contact route the resident chose, not a watched phone."""
    return bool(_ROUTE_CHOSEN.search(text or "")) or route_chosen_other_language(text or "")


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
    talk = bool(CANT_TALK.search(text)) or cant_talk_other_language(text)
    watched = bool(WATCHED_PHONE.search(text)) or phone_watched_other_language(text)
    if not (talk or watched) or route_chosen(text):
        return None
    case = open_case_for(session, ctx.conversation_id)
    details = (case.details or {}) if case is not None else {}
    if case is None or not (details.get("sensitive") or details.get("in_danger_now") or (
            case.priority == "urgent" and case.urgent_category in _PERSON_DANGER)):
        return None  # "I can't talk now, I'm at work" about a boiler is not this path
    sms = ctx.channel == SMS_CHANNEL
    _mark(case, sensitive=True)
    outcome = Outcome(slots={"pending": None})
    language = _reply_language(session, ctx, outcome)
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
            return outcome.say(_say(CANT_TALK_KEY, sms, language))
    reply = _say(WATCHED_KEY, sms, language, reference=case.reference)
    if talk:
        reply = _say(CANT_TALK_KEY, sms, language) + " " + reply
    return outcome.say(reply)


def _reply_language(session: Session, ctx: TurnContext, outcome: Outcome) -> str:
    """The resident's language, as for the other urgent replies: one of ours is answered in it
    and put on the case (an interpreter for the call back); anything else in English."""
    if not is_other_language(ctx):
        return "en"
    record_language(session, ctx)
    outcome.localised = True  # translated safety texts are sent whole
    return ctx.language


def _say(key: str, sms: bool, language: str, **params: object) -> str:
    """The short SMS wording by text, the fuller one on web chat (English when a language has
    no file: bot.language.message falls back)."""
    return message(f"{key}_sms" if sms else key, language, **params)
