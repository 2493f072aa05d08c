"""'No internet' / 'only a landline' in the 12 other languages (bot/language/offline_phrases.py):
said plainly it is recognised; talk about online services that are down is not."""

from __future__ import annotations

import unicodedata

import pytest

from bot.language.offline_phrases import mentions_landline, says_offline_other_language
from bot.services.landline import says_offline

SAYS_OFFLINE = {
    "pl": ["Nie mam internetu, jak mam zapłacić podatek?", "mam tylko telefon stacjonarny"],
    "es": ["No tengo internet en casa", "solo tengo teléfono fijo, llámenme"],
    "pt": ["Não tenho internet, como pago?", "só tenho telefone fixo"],
    "fr": ["Je n'ai pas internet à la maison", "j'ai seulement un téléphone fixe"],
    "it": ["Non ho internet, come posso pagare?", "ho solo il telefono fisso"],
    "ro": ["Nu am internet acasă", "am doar telefon fix"],
    "tr": ["Evde internetim yok", "sadece ev telefonu var"],
    "so": ["Internet ma haysto, sideen u bixiyaa?", "waxaan haystaa telefoon guri oo keliya"],
    "ar": ["ليس لدي انترنت، كيف أدفع؟", "عندي فقط هاتف أرضي"],
    "fa": ["من اینترنت ندارم", "فقط تلفن ثابت دارم"],
    "bn": ["আমার ইন্টারনেট নেই", "আমার শুধু ল্যান্ডলাইন আছে"],
    "ti": ["ኢንተርነት የብለይን", "ጥራይ ናይ ገዛ ተሌፎን አለኒ"],
}
NOT_OFFLINE = {
    "pl": "płatności przez internet nie działają",
    "es": "el pago por internet no funciona",
    "pt": "o pagamento pela internet não funciona",
    "fr": "le paiement sur internet ne marche pas",
    "it": "il pagamento su internet non funziona",
    "ro": "plata pe internet nu merge",
    "tr": "internet ödeme sayfası çalışmıyor",
    "so": "lacag bixinta internetka ma shaqeyso",
    "ar": "الدفع عبر الإنترنت لا يعمل",
    "fa": "پرداخت اینترنتی کار نمی کند",
    "bn": "ইন্টারনেটে পেমেন্ট কাজ করছে না",
    "ti": "ክፍሊት ብኢንተርነት ኣይሰርሕን",
}


@pytest.mark.parametrize(("language", "text"), [
    (language, text) for language, texts in SAYS_OFFLINE.items() for text in texts])
def test_no_internet_or_landline_only_is_recognised(language: str, text: str) -> None:
    assert says_offline_other_language(text), (language, text)
    assert says_offline(text)  # the landline turns see it too


@pytest.mark.parametrize(("language", "text"), sorted(NOT_OFFLINE.items()))
def test_an_online_service_being_down_is_not_offline(language: str, text: str) -> None:
    assert not says_offline(text), (language, text)


def test_every_language_is_covered() -> None:
    assert set(SAYS_OFFLINE) == set(NOT_OFFLINE)
    assert len(SAYS_OFFLINE) == 12


def test_landline_is_told_apart_from_no_internet() -> None:
    assert mentions_landline("mam tylko telefon stacjonarny")
    assert not mentions_landline("Nie mam internetu")
    # a landline mentioned without "only" is a number to call, not "I have no internet"
    assert not says_offline_other_language("proszę zadzwonić na telefon stacjonarny")


# Phones send some letters as a base letter and a combining mark (NFD): "ã" as "a" + U+0303,
# Bengali "ড়" as U+09DC or as "ড" + nukta, Arabic "إ" as "ا" + hamza below. The abuse phrases
# match either form (bot/language/abuse_phrases.py); the offline phrases must too.
DECOMPOSABLE = [
    ("pt", "Não tenho internet, como pago?"),
    ("ro", "Nu am internet, sunt fără internet acasă"),
    ("pl", "Nie mam dostępu do internetu"),
    ("fr", "je n'ai pas accès à internet"),
    ("es", "solo tengo teléfono fijo"),
    ("ar", "ليس لدي إنترنت"),
    ("bn", "আমার শুধু \u09ac\u09be\u09dc\u09bf\u09b0 ফোন আছে"),  # composed ড় (U+09DC)
    ("bn", "আমার শুধু \u09ac\u09be\u09a1\u09bc\u09bf\u09b0 ফোন আছে"),  # ড + nukta
]


@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKC", "NFKD"])
@pytest.mark.parametrize(("language", "text"), DECOMPOSABLE)
def test_composed_and_decomposed_letters_match_alike(language: str, text: str,
                                                     form: str) -> None:
    typed = unicodedata.normalize(form, text)
    assert says_offline_other_language(typed), (language, form, text)
    assert says_offline(typed)


def test_decomposed_landline_is_still_a_landline() -> None:
    for text in ("solo tengo teléfono fijo", "আমার শুধু \u09ac\u09be\u09dc\u09bf\u09b0 ফোন আছে"):
        assert mentions_landline(unicodedata.normalize("NFD", text)), text
        assert mentions_landline(unicodedata.normalize("NFC", text)), text
    assert not mentions_landline(unicodedata.normalize("NFD", "Não tenho internet"))
