"""The redactor's context words: which words introduce which kind of personal data.

Kept apart from `redactor.py` (the matching) so the lists can grow without the module growing;
see the redactor's docstring for how they are used ("cues" and "veto" phrases, filler words).
"""

from __future__ import annotations

from typing import Any

CUE_PHRASES: dict[str, tuple[str, ...]] = {
    "card": ("card", "cards", "card number", "card no", "long number", "debit", "credit",
             "visa", "mastercard", "master card", "amex", "maestro"),
    "expiry": ("exp", "exp.", "expiry", "expiry date", "expires", "expiring", "expiration",
               "valid thru", "valid through", "valid until", "valid to", "end date", "ends"),
    "cvv": ("cvv", "cvv2", "cvc", "cvc2", "csc", "cid", "cv2"),
    "cvv_weak": ("security code", "security number", "security no", "3 digits",
                 "three digits", "3 digit code", "three digit code", "digits on the back",
                 "number on the back", "code on the back", "on the back"),
    "bank": ("sort code", "sortcode", "sort-code", "s/c", "sort", "bank", "banks", "bank's",
             "building society", "iban", "bacs", "bank account", "bank details", "natwest",
             "barclays", "lloyds", "hsbc", "santander", "nationwide", "monzo", "halifax",
             "direct debit"),
    "council": ("council tax", "ctax", "c/tax", "c tax", "rent", "business rates", "reference",
                "ref", "claim", "benefit", "benefits", "case", "library", "pcn", "permit",
                "parking", "planning", "application", "invoice", "order", "tracking", "job"),
    "phone": ("phone", "phone number", "my number", "mobile", "mob", "tel", "tel no",
              "telephone", "call", "ring", "text", "txt", "landline", "contact", "reach",
              "whatsapp", "number is", "home number", "contact number", "new number"),
    "ni": ("ni", "n.i", "n.i.", "n i", "nino", "national insurance", "nat ins", "nat. ins",
           "insurance number", "insurance no"),
    "dob": ("dob", "d.o.b", "d.o.b.", "d o b", "date of birth", "birth date", "birthdate",
            "born", "birthday", "b'day", "bday"),
    "postcode": ("postcode", "post code", "postcodes", "postal code", "p/code", "p/c", "pcode",
                 "zip code", "post-code"),
    "place": ("live in", "living in", "lives in", "lived in", "based in", "moved to",
              "move to", "i'm in", "im in", "i am in", "we're in", "we are in", "resident in",
              "area is", "address is in", "live at"),
    "passport": ("passport", "passport number", "passport no"),
    # Phrases in which a cue word means something else: "direct debit", "bank holiday".
    "veto_card": ("direct debit", "library card", "oyster card", "birthday card", "gift card",
                  "loyalty card", "nectar card", "sim card", "id card", "scratch card",
                  "memory card", "business card", "travel card", "universal credit",
                  "tax credit", "tax credits", "pension credit", "credit union", "in credit",
                  "credit balance"),
    "veto_bank": ("bank holiday", "bank holidays", "food bank", "river bank", "sort it",
                  "sort out", "sort this", "sort that", "sort things", "sort me", "sort my",
                  "sort the"),
    "licence": ("licence", "license", "driving licence", "driving license", "dl", "dvla",
                "driver's licence", "drivers licence", "driver licence", "driver's license"),
}
# Abbreviations the tokenizer keeps whole in some spellings ("D.O.B." vs "d.o.b").
CUE_TOKEN_PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "dob": [[{"LOWER": {"REGEX": r"^d\.?o\.?b\.?:?$"}}]],
    "ni": [[{"LOWER": {"REGEX": r"^n\.i\.?(?:no\.?)?:?$"}}]],
}
# Words that may stand between a cue and its value: "dob is the 12/03/85", "NI no: ...".
FILLER_WORDS = frozenset("""
is was are were be been will it its it's that's thats which the a my his her their our your
mums mum's dads dad's mine on of at in as for me to no no. nr num number code date details
says reads shows show ending ends starts start starting begins with and please pls below here
i think just like e.g. eg sure id i'd full new old current
""".split())
