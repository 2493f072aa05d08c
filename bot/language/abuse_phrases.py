""""I can't talk", "he reads my texts" and "SMS only" in the 12 languages other than English.

On an abuse case these short messages carry the whole danger: a resident who writes "nie mogę
mówić" needs 999-then-55 as much as one who writes "I can't talk", and "يقرأ رسائلي" means the
number they text from must never be texted (bot/services/abuse_turns.py holds the English
patterns and what happens next). Matched in any of the languages, whatever the detector made of
a short message. A few plain ways of saying each; accents optional where residents drop them.
Not reviewed by native speakers yet, like the other language files (issue #13).
"""

from __future__ import annotations

from bot.language.phrase_tables import compile_phrases, normalise

_CANT_TALK: dict[str, tuple[str, ...]] = {
    "pl": (r"\bnie mog[eę] (?:teraz |tu )?(?:m[oó]wi[cć]|rozmawia[cć])",),
    "es": (r"\bno puedo (?:hablar|llamar)\b",),
    "fr": (r"\bje ne (?:peux|peut) pas (?:parler|t[eé]l[eé]phoner)\b", r"\bj'?peux pas parler\b"),
    "it": (r"\bnon posso (?:parlare|telefonare)\b",),
    "pt": (r"\bn[aã]o (?:posso|consigo) (?:falar|ligar)\b",),
    "ro": (r"\bnu pot (?:s[aă] )?(?:vorbesc|vorbi)\b",),
    "tr": (r"\bkonu[sş]am[ıi]yorum\b", r"\bkonu[sş]amam\b", r"\bkonu[sş]abilecek durumda de[gğ]il"),
    "so": (r"\b(?:ma|maan) hadli karo\b", r"\bhadli ma karo\b"),
    "ar": (r"(?:لا|ما) (?:أستطيع|استطيع|اقدر|أقدر|اقدرش|أقدرش) "
           r"(?:الكلام|أتكلم|اتكلم|التكلم|التحدث|أتحدث|اتحدث)",),
    "fa": (r"نمی[\u200c ]?(?:توانم|تونم) (?:حرف بزنم|صحبت کنم)",),
    "bn": (r"কথা বলতে (?:পারছি|পারব|পারি) না",),
    "ti": (r"ክዛረብ ኣይ(?:ክእልን|ከኣልኩን|ኽእልን)",),
}
_WATCHED: dict[str, tuple[str, ...]] = {
    "pl": (r"\b(?:czyta|sprawdza|przegl[aą]da|kontroluje)\w* (?:mi )?(?:moje |m[oó]j )?"
           r"(?:sms\w*|wiadomo[sś]ci|telefon|kom[oó]rk)",),
    "es": (r"\b(?:lee|revisa|mira|controla|vigila)n? (?:todos )?(?:mis? )?(?:mensajes|sms|m[oó]vil|"
           r"tel[eé]fono|whatsapp)\b",),
    "fr": (r"\b(?:lit|v[eé]rifie|regarde|fouille|contr[oô]le|surveille)(?:nt)? (?:tous )?"
           r"(?:mes|mon) (?:sms|messages|t[eé]l[eé]phone|portable)\b",),
    "it": (r"\b(?:legge|controlla|guarda)(?:no)? (?:tutti )?(?:i miei |il mio )?(?:messaggi|sms|"
           r"telefono|cellulare)\b",),
    "pt": (r"\b(?:l[eê]|verifica|v[eê]|controla|mexe)m? (?:n?as |n?os |no )?(?:minhas |meus |meu )?"
           r"(?:mensagens|sms|telem[oó]vel|celular|telefone)\b",),
    "ro": (r"\b(?:cite[sș]te|verific[aă]|se uit[aă] (?:[iî]n|la)|controleaz[aă]) (?:toate )?"
           r"(?:mesajele|telefonul)\b",),
    "tr": (r"\b(?:mesajlar[ıi]m[ıi]|telefonumu|smslerimi)\s+(?:okuyor|kontrol ediyor|"
           r"kar[ıi][sş]t[ıi]r[ıi]yor)",),
    "so": (r"\b(?:fariimahayga|taleefankayga|telefoonkayga|moobilkayga)\b.{0,20}\b(?:akhri|eeg|"
           r"hubi)\w*",),
    "ar": (r"(?:يقرأ|يقرا|تقرأ|تقرا|يفتش|تفتش|يراقب|تراقب|يشوف|تشوف) (?:كل )?"
           r"(?:رسائلي|رسايلي|هاتفي|تلفوني|جوالي|موبايلي)",),
    "fa": (r"(?:پیامک[\u200c ]?هایم|پیام[\u200c ]?هایم|پیام[\u200c ]?هامو|گوشیم|گوشی[\u200c ]?ام|"
           r"گوشیمو)(?: را| رو)? (?:می[\u200c ]?خواند|می[\u200c ]?خونه|چک می[\u200c ]?(?:کند|کنه)|"
           r"نگاه می[\u200c ]?(?:کند|کنه)|می[\u200c ]?گردد)",),
    "bn": (r"(?:মেসেজ|ফোন)\S* (?:পড়ে|পড়েন|চেক করে|দেখে|ঘাঁটে)",),
    "ti": (r"(?:መልእኽተይ|ተሌፎነይ|ስልከይ) (?:የንብብ|ይንብብ|ይርኢ|ይፍትሽ|ይቆጻጸር)",),
}

# "SMS only, he checks my phone": "only" next to a texting (or calling) word is a route the
# resident chose, as English "text only" (bot/services/abuse_turns.py _ROUTE_CHOSEN), so the
# message answers the consent question (texts, never a call) instead of dropping the number as
# watched. Kept tight, "only" and the word side by side (a preposition may sit between): "he
# reads only my messages" is still a watched phone.
_END = r"(?![\w\u200c\u0980-\u09ff])"  # the word ends here ("فقط رسائلي": only MY messages)
_ROUTE_CHOSEN: dict[str, tuple[str, ...]] = {
    "pl": (r"\b(?:tylko|jedynie) (?:przez |na |w )?(?:sms(?:-?\w+)?|esemes\w*|wiadomo[sś]\w*|"
           r"pisa[cć]|piszcie|pisz)\b",
           r"\b(?:sms(?:-?\w+)?|esemes\w*|wiadomo[sś]\w*) (?:tylko|jedynie)\b"),
    "es": (r"\b(?:s[oó]lo|solamente|[uú]nicamente) (?:por |con |v[ií]a )?(?:sms|mensajes?|"
           r"whatsapp|textos?)\b", r"\b(?:sms|mensajes?|whatsapp|textos?) (?:s[oó]lo|solamente|"
           r"[uú]nicamente)\b"),
    "pt": (r"\b(?:s[oó]|apenas|somente) (?:por |via |com )?(?:sms|mensage(?:m|ns)|whatsapp)\b",
           r"\b(?:sms|mensage(?:m|ns)|whatsapp) (?:s[oó]|apenas|somente)\b"),
    "fr": (r"\b(?:seulement|uniquement|juste) (?:par |des |en |via )?(?:sms|textos?|messages?)\b",
           r"\b(?:sms|textos?|messages?) (?:seulement|uniquement)\b"),
    "it": (r"\b(?:solo|soltanto|solamente) (?:per |via |tramite |con )?(?:sms|messaggi[oa]?|"
           r"whatsapp)\b", r"\b(?:sms|messaggi[oa]?|whatsapp) (?:solo|soltanto|solamente)\b"),
    "ro": (r"\b(?:doar|numai) (?:prin |pe )?(?:sms|mesaj\w*)\b", r"\b(?:sms|mesaj\w*) doar\b"),
    "tr": (r"\b(?:sadece|yaln[ıi]zca) (?:sms|mesaj)\w*",
           r"\b(?:sms|mesaj)\w* (?:sadece|yaln[ıi]zca)\b"),
    "so": (r"\b(?:fariin|qoraal|sms)\w* (?:oo )?(?:kaliya|keliya)\b",
           r"\b(?:kaliya|keliya) (?:fariin|qoraal|sms)"),
    "ar": (rf"فقط (?:عبر |من خلال |بواسطة )?(?:بال|ب|ال)?(?:رسائل|رسالة|رساله|مسجات|مسج|sms|"
           rf"واتساب){_END}",
           r"(?:بال|ب|ال)?(?:رسائل|رسالة|رساله|مسجات|مسج|sms|واتساب)(?: نصية| نصيه)? فقط"),
    "fa": (rf"فقط (?:با |از طریق )?(?:پیامک|پیام|sms){_END}", r"(?:پیامک|پیام|sms) فقط"),
    "bn": (rf"(?:শুধু|কেবল)(?:মাত্র)? (?:মেসেজ|এসএমএস|sms|টেক্সট){_END}",
           r"(?:মেসেজ|এসএমএস|sms|টেক্সট)\S* (?:শুধু|কেবল)"),
    "ti": (rf"ጥራይ (?:ብ)?(?:መልእኽቲ|sms){_END}", r"(?:ብ)?(?:መልእኽቲ|sms) ጥራይ"),
}


# NFC on both sides: Bengali "ড়" arrives composed or as two code points
CANT_TALK_OTHER = compile_phrases(_CANT_TALK)
WATCHED_OTHER = compile_phrases(_WATCHED)
ROUTE_CHOSEN_OTHER = compile_phrases(_ROUTE_CHOSEN)


def cant_talk_other_language(text: str) -> bool:
    return bool(CANT_TALK_OTHER.search(normalise(text)))


def phone_watched_other_language(text: str) -> bool:
    return bool(WATCHED_OTHER.search(normalise(text)))


def route_chosen_other_language(text: str) -> bool:
    """"SMS only" / "only messages" in one of the 12 languages: a contact route chosen."""
    return bool(ROUTE_CHOSEN_OTHER.search(normalise(text)))
