"""Turning typed words into comparable ones: lower case, straight apostrophes, no punctuation,
and a singular key ("LSCBs" and "LSCB", "reviews of serious cases" and "review of serious
case" meet), plus the words that carry no meaning of their own in a question.

Why one module: the lexicon and the reader must normalise in exactly the same way, or a
label would never meet the words that name it.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^a-z0-9'/]+")
_POSSESSIVE = re.compile(r"'s\b|s'(?=\s|$)")

# Words that say nothing about what is asked or whom it is about.
_STOPWORDS_TEXT = """
a an the of for in on at to by from with within under into about as and or but not no
is are was were be been being am do does did done has have had having
who whom whose what which when where why how there here this that these those it its
i me my we us our you your they them their he him his she her
please tell show list give find know want need like would could can will shall
any all each every some one ones other others own also only just still currently
law legal legally say says said thing things
between since until before after during then
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def normalise(text: str) -> str:
    """Lower-cased words separated by single spaces: accents and punctuation gone, curly
    apostrophes straight, possessive 's dropped ("Bromley's" is "bromley")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.translate(_APOSTROPHES).lower()
    text = _POSSESSIVE.sub("", text)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(w.strip("'/") for w in text.split() if w.strip("'/"))


def singular(word: str) -> str:
    """A rough singular: enough to meet a plural, never shown to anyone."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def singular_key(norm: str) -> str:
    """The normalised words, each singular: the key a plural and a singular name share."""
    return " ".join(singular(w) for w in norm.split())
