"""Is an overdose or poisoning about someone else ("my mum took all her pills")?

The risk rules file such a message under self-harm, whose first reply speaks to the writer ("if
you have hurt yourself..."). The person who took the pills needs an ambulance, so the writer
must be told to call 999 for them now. This module only chooses between those two replies:
both give 999, so a wrong guess never hides the emergency number.

A message is about someone else when it names another person (a relative, friend, "he", "she")
and medicines or poison, in English or one of the translated languages, and the writer does
not also speak of harming themselves in English ("I took all my pills too"). Words are compared
after the lexicons' normaliser (accents off, Arabic letter forms unified), so "mamá" and "mama",
"أمي" and "امي" are the same word. A word ending in "*" is a prefix.
"""

from __future__ import annotations

import re
from functools import cache

# Other people, per language (possessive forms where the language attaches them).
_PEOPLE: dict[str, str] = {
    "en": "mum* mom* mother* mam mammy dad* father* son sons daughter* child* kid kids baby "
          "brother* sister* husband* wife partner* boyfriend* girlfriend* friend* mate "
          "neighbour* neighbor* nan nana nanny gran gran* grandma* grandad* grandpa* "
          "grandfather* grandmother* uncle* aunt* cousin* flatmate* housemate* niece* nephew* "
          "he she him her his someone somebody toddler teenager stepdad* stepmum* stepson* "
          "stepdaughter* fiance* carer",
    "es": "madre* mama mami papa padre* hijo* hija* hermano* hermana* marido* esposo* esposa* "
          "novio* novia* pareja amigo* amiga* vecino* vecina* abuelo* abuela* bebe nino* nina* "
          "tio tia ella sus",
    "fr": "mere pere maman papa fils fille* frere* soeur* sœur* mari femme copain copine ami "
          "amie amis voisin* grand-mere grand-pere grand-mère grand-père bebe enfant* il elle "
          "ses",
    "it": "madre mamma papa padre figlio figlia fratello sorella marito moglie ragazz* amic* "
          "vicin* nonna nonno bambin* lui lei sue suoi",
    "pl": "mama mamy mamie mame mamo matk* tata taty tacie tate ojciec ojca syn syna synek "
          "corka corki corke brat brata siostr* maz meza zona zony partner* chlopak* "
          "dziewczyn* przyjaci* kolega kolezank* sasiad* babci* babcia dziadek dziadk* dzieck* "
          "on ona jej jego",
    "pt": "mae pai filho* filha* irmao irma marido esposa mulher namorad* amig* vizinh* avo "
          "bebe crianca ele ela dela dele",
    "ro": "mama mamei mamii tata tatal* fiul fiica fratel* sora surori sotul sotia prieten* "
          "vecin* bunic* copil* bebe el ea ei",
    "tr": "anne* annem babam baba* oglum oglu* kizim kizi* kocam karim esim arkadas* komsu* "
          "kardes* ablam abim bebek* cocuk* ninem dedem babaanne* anneanne*",
    "ar": "امي امه ابي ابوي ابوه ابني ابنه ابنتي بنتي اخي اختي زوجي زوجتي مرتي صديقي "
          "صديقتي جاري جارتي جدتي جدي طفلي طفلتي ولدي هي هو",
    "fa": "مادرم پدرم پسرم دخترم شوهرم همسرم زنم برادرم خواهرم دوستم همسایه* مادربزرگ* "
          "پدربزرگ* بچه* او",
    "bn": "মা মায়ের বাবা বাবার ছেলে ছেলের মেয়ে মেয়ের স্বামী স্ত্রী ভাই বোন বন্ধু প্রতিবেশী দাদি "
          "নানি বাচ্চা সে তার",
    "so": "hooyo* hooya* aabbe* aabo* aabahay wiil* gabadh* inan* ninkeyga ninkaygii xaaskeyga "
          "walaal* saaxiib* deris* ayeeyo* awoowe* ilmo* ilmaha canug* iyada isaga",
    "ti": "ኣደይ ኣቦይ ወደይ ጓለይ ሰብኣየይ በዓልቲ ሓወይ ሓፍተይ ዓርከይ ዓርከይቲ ጎረቤት* ዓባየይ ህጻን ቆልዓ ንሳ ንሱ",
}

# Medicines, overdose and poison, per language.
_POISON: dict[str, str] = {
    "en": "pill* tablet* overdos* od'd od poison* bleach medicine* medication* meds "
          "paracetamol* painkiller* antifreeze swallow* insulin sleeping",
    "es": "pastilla* pildora* medicament* sobredosis veneno* envenen* lejia trago",
    "fr": "cachet* medicament* pilule* comprime* overdose surdose poison* empoisonn* javel "
          "avale*",
    "it": "pillol* pastigli* compress* medicin* farmac* overdose veleno avvelen* candeggina "
          "ingoiat*",
    "pl": "tablet* lek leki lekow przedawk* truciz* otrul* otruty* wybielacz* polknal* "
          "polknel* pigulk* nalykal*",
    "pt": "comprimido* remedio* pilula* medicament* overdose sobredosagem veneno envenen* "
          "lixivia engoliu",
    "ro": "pastil* medicament* pilul* supradoz* otrav* inghit* clor",
    "tr": "hap* ilac* zehir* doz* yuttu* camasir",
    "ar": "حبوب* الحبوب حبوبها حبوبه دواء* الدواء* جرعه سم تسمم* مبيض كلور بلع* بلعت",
    "fa": "قرص* دارو* مسموم* سم وایتکس اوردوز بلعید*",
    "bn": "ওষুধ* ট্যাবলেট* বড়ি বিষ* ব্লিচ গিলে*",
    "so": "kaniin* daawo* dawo* sun overdose liqay* liqday*",
    "ti": "ከኒና* መድሃኒት* መርዚ* ውሒጡ ውሒጣ",
}

# The writer speaks of their own overdose or self-harm too: keep the self-harm wording.
_SELF = re.compile(
    r"\b(?:myself|i(?:'ve| have)?\s+(?:took|taken|swallowed|overdosed|had)|"
    r"(?:i'?m|i am)\s+(?:going to|gonna)\s+(?:take|kill|hurt)|"
    r"my\s+(?:own\s+)?(?:pills|tablets|meds|medication|medicine))\b",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """The lexicons' normaliser, imported late: bot.triage imports this module."""
    from bot.triage.lexicon import normalise as lexicon_normalise

    return lexicon_normalise(text)


@cache
def _vocabulary(table: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Whole words and prefixes of one table, normalised like the messages are."""
    source = _PEOPLE if table == "people" else _POISON
    words: set[str] = set()
    prefixes: list[str] = []
    for entry in " ".join(source.values()).split():
        prefix = entry.endswith("*")
        normalised = normalise(entry.rstrip("*")).strip()
        if not normalised:
            continue
        if prefix and len(normalised) >= 2:
            prefixes.append(normalised)
        else:
            words.add(normalised)
    return frozenset(words), tuple(prefixes)


def _mentions(words: list[str], table: str) -> bool:
    whole, prefixes = _vocabulary(table)
    for word in words:
        bare = word.strip("'’.,!?;:()\"")
        # Arabic attaches "and"/"the" to the next word: try the word with them taken off
        forms = {bare, bare[1:] if bare[:1] in ("و", "ب", "ل") else bare,
                 bare[2:] if bare.startswith("ال") else bare}
        for form in forms:
            if form in whole or any(form.startswith(p) for p in prefixes):
                return True
    return False


def overdose_of_someone_else(text: str | None) -> bool:
    """True for "my mum took all her pills", "mi madre se tomó todas sus pastillas": another
    person and medicine or poison are named, and the writer does not speak of harming
    themselves."""
    if not text or _SELF.search(text):
        return False
    words = normalise(text).replace("-", " - ").split()
    return _mentions(words, "people") and _mentions(words, "poison")
