"""SMS rendering rules: GSM-7 only, sentence-boundary parts, numbered choices, keywords."""

from __future__ import annotations

import pytest

from bot.channels.sms_render import (
    EMPTY_REPLY,
    GENERIC_HELP,
    MEDIA_REPLY,
    PART_SEPTETS,
    TOO_LONG_REPLY,
    choose,
    classify_keyword,
    gsm7_segments,
    help_text,
    inbound_problem,
    is_gsm7,
    render_choices,
    render_parts,
    septets,
    split_for_sms,
    to_gsm7,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("It\u2019s \u201cdown\u201d \u2013 sorry\u2026", 'It\'s "down" - sorry...'),
        ("Bins\u00a0today \u2014 yes", "Bins today - yes"),
        ("Thanks \U0001f44d see you", "Thanks see you"),
        ("Caf\u00e9 na\u00efve \u00e0 \u00e9", "Caf\u00e9 naive \u00e0 \u00e9"),
        ("Price \u20ac5 [ok]", "Price \u20ac5 [ok]"),
        ("a\u200bb\ufeffc", "abc"),
    ],
)
def test_to_gsm7_replaces_characters_that_force_ucs2(raw: str, expected: str) -> None:
    assert to_gsm7(raw) == expected
    assert is_gsm7(to_gsm7(raw))


def test_to_gsm7_is_idempotent_and_keeps_paragraphs() -> None:
    text = "First line.\n\n\n\nSecond \u2018para\u2019."
    once = to_gsm7(text)
    assert once == "First line.\n\nSecond 'para'."
    assert to_gsm7(once) == once


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("\u20ac" * 80, 1),  # extension characters count two septets
        ("\u20ac" * 81, 2),
        ("a" * 152 + "\u20ac" + "a" * 152, 3),  # an escape pair is never split across segments
        ("\u2019" * 70, 1),  # UCS-2
        ("\u2019" * 71, 2),
        ("\u2019" * 134, 2),
        ("\u2019" * 135, 3),
    ],
)
def test_gsm7_segments(text: str, segments: int) -> None:
    assert gsm7_segments(text) == segments


def test_short_text_is_one_part() -> None:
    assert render_parts("Council tax online is down. Direct Debits still run.") == [
        "Council tax online is down. Direct Debits still run."
    ]


def test_long_text_splits_at_sentence_boundaries_and_numbers_parts() -> None:
    sentences = [f"Sentence number {i} says something useful about bins." for i in range(20)]
    parts = render_parts(" ".join(sentences))
    assert len(parts) > 1
    for index, part in enumerate(parts, start=1):
        assert septets(part) <= PART_SEPTETS
        assert gsm7_segments(part) <= 2
        assert part.endswith(f" ({index}/{len(parts)})")
        body = part.rsplit(" (", 1)[0]
        assert body.endswith("bins.")  # never cut inside a sentence
    rejoined = " ".join(part.rsplit(" (", 1)[0] for part in parts)
    assert rejoined == " ".join(sentences)


def test_sentence_longer_than_a_part_is_wrapped_at_spaces() -> None:
    words = " ".join(["word"] * 200)
    parts = split_for_sms(words, 100)
    assert all(septets(part) <= 100 for part in parts)
    assert " ".join(parts) == words


def test_long_word_is_cut() -> None:
    parts = split_for_sms("x" * 250, 100)
    assert [len(part) for part in parts] == [100, 100, 50]


def test_render_choices_numbers_buttons() -> None:
    body, choices = render_choices(
        "What is it about?",
        [
            {"title": "Council tax", "payload": '/inform{"service":"council_tax"}'},
            {"title": "Bins \u2013 recycling", "payload": "/inform_waste"},
            {"title": "Something else", "payload": "/other"},
        ],
    )
    assert body == (
        "What is it about?\n"
        "Reply 1 for Council tax, 2 for Bins - recycling or 3 for Something else."
    )
    assert choices == [
        ("Council tax", '/inform{"service":"council_tax"}'),
        ("Bins - recycling", "/inform_waste"),
        ("Something else", "/other"),
    ]


def test_render_choices_without_buttons_is_the_text() -> None:
    assert render_choices("Hello", []) == ("Hello", [])


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("1", "/tax"),
        (" 2 ", "/bins"),
        ("2.", "/bins"),
        ("no. 2", "/bins"),
        ("Number 1 please", "/tax"),
        ("council tax", "/tax"),
        ("3", None),
        ("0", None),
        ("1 and 2", None),
        ("I want 1 bin", None),
    ],
)
def test_choose_maps_numbered_replies_back_to_payloads(reply: str, payload: str | None) -> None:
    choices = [["Council tax", "/tax"], ["Bins", "/bins"]]
    assert choose(reply, choices) == payload


def test_choose_without_choices() -> None:
    assert choose("1", []) is None
    assert choose("1", None) is None


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", "stop"),
        ("stop", "stop"),
        ("Stop.", "stop"),
        ("  stop!! ", "stop"),
        ("STOPALL", "stop"),
        ("Unsubscribe", "stop"),
        ("cancel", "stop"),
        ("END", "stop"),
        ("quit", "stop"),
        ("start", "start"),
        ("UNSTOP", "start"),
        ("yes", "start"),
        ("help", "help"),
        ("Info?", "help"),
        ("please stop sending letters", None),
        ("stop it", None),
        ("help me", None),
        ("", None),
        (None, None),
    ],
)
def test_classify_keyword(body: str | None, keyword: str | None) -> None:
    assert classify_keyword(body) == keyword


def test_inbound_problem() -> None:
    assert inbound_problem("", 1) == MEDIA_REPLY
    assert inbound_problem("look at this", 2) == MEDIA_REPLY
    assert inbound_problem("   ", 0) == EMPTY_REPLY
    assert inbound_problem("x" * 1601, 0) == TOO_LONG_REPLY
    assert inbound_problem("x" * 1600, 0) is None


def test_help_text() -> None:
    assert help_text() == GENERIC_HELP
    assert "999" in GENERIC_HELP
    text = help_text("Westminster", "020 7946 0200", "https://westminster.example.gov.uk")
    assert "call 020 7946 0200 or https://westminster.example.gov.uk" in text
    assert "999" in text and is_gsm7(text)


def test_line_breaks_are_kept_within_a_part() -> None:
    text = "What is it about?\nReply 1 for Council tax.\n\nOr call us."
    assert split_for_sms(text) == [text]


# GSM-7 has "Ç" but no "ç": a lower-case "ç" is written "c" (as Twilio's smart encoding does),
# never as a capital in the middle of a word; letters never change case on the way to GSM-7.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Serviço de recolha: não há recolha hoje.", "Servico de recolha: nao ha recolha hoje."),
        ("Ça ne marche pas, le garçon reçoit la lettre.",
         "Ça ne marche pas, le garcon recoit la lettre."),
        ("ÇÖPLER çöp toplama çalışmıyor", "ÇÖPLER cöp toplama calismiyor"),
        ("Votre sœur peut appeler pour vous.", "Votre soeur peut appeler pour vous."),
    ],
)
def test_c_cedilla_keeps_its_case(raw: str, expected: str) -> None:
    sent = render_parts(raw)  # "ı" is written "i" and "œ" "oe" (bot.language.sms_text)
    assert sent == [expected]
    assert is_gsm7(sent[0]) and gsm7_segments(sent[0]) == 1


def test_latin_letters_never_change_case_in_gsm7() -> None:
    changed = []
    for code in range(0xC0, 0x250):
        char = chr(code)
        out = to_gsm7(char)
        if not char.isalpha() or not out:
            continue
        if (char.islower() and not out.islower()) or (char.isupper() and not out[0].isupper()):
            changed.append(f"{char}->{out}")
    assert changed == []


def test_a_full_portuguese_text_with_cedillas_is_one_gsm7_segment() -> None:
    text = ("A recolha do lixo foi adiada. Pedimos desculpa pela situação; o serviço volta "
            "amanhã. Informações: ligue para a câmara ou responda a esta mensagem. Obrigado.")
    sent = render_parts(text)
    assert len(sent) == 1 and is_gsm7(sent[0])
    assert "situacao" in sent[0] and "servico" in sent[0] and "Informacoes" in sent[0]
    assert "Ç" not in sent[0]
    assert gsm7_segments(sent[0]) == 1  # 160 septets at most, not 3 UCS-2 segments
