"""The NLU contact-entity component returns normalised values from the form's own parsers."""

from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.contact_entities import ContactEntityExtractor


def entities_of(text: str) -> dict[str, str]:
    message = Message(data={TEXT: text})
    ContactEntityExtractor().process([message])
    return {e["entity"]: e["value"] for e in message.get(ENTITIES, [])}


def test_contact_details_and_reference_are_normalised() -> None:
    found = entities_of("any news on kc7kq2m9xd? my number is +44 7700 900118, w10 6el")
    assert found == {"case_ref": "KC-7KQ2-M9XD", "phone": "+447700900118",
                     "postcode": "W10 6EL"}


def test_malformed_and_lookalike_values_are_not_entities() -> None:
    assert entities_of("call 0770 0900 11 about the 52 bus, I understand") == {}
    assert "email" in entities_of("mail me at Ayesha.K@Example.com")


def test_a_reference_of_letters_only_is_an_entity_but_a_phrase_is_not() -> None:
    assert entities_of("any update on hf-wxyz-trmn please") == {"case_ref": "HF-WXYZ-TRMN"}
    assert "case_ref" not in entities_of("hf what when do i get a reply")
