"""Names inside sentences, one rule each, for pages, e-mails, the API's messages and the demo.

`possessive("London boroughs")` is "London boroughs’": a name ending in s takes an apostrophe
only ("Camden’s", "the boroughs’"), as the GOV.UK style guide and most house styles write a
plural. `mid_sentence("Finance and ERP")` is "finance and ERP": a name lower-cased inside a
sentence keeps its acronyms and its proper names' capitals (a word in capitals, or with a
capital after its first letter, is kept: ERP, IT, HR, CRM, SharePoint).
"""

import re

APOSTROPHE = "’"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def possessive(name, apostrophe: str = APOSTROPHE) -> str:
    """The name followed by its possessive ending: "Camden’s", "London boroughs’"."""
    text = str(name).rstrip()
    if not text:
        return text
    if text[-1] in "sS":
        return f"{text}{apostrophe}"
    return f"{text}{apostrophe}s"


def _keeps_capitals(word: str) -> bool:
    """An acronym (ERP, IT) or a word with an inner capital (SharePoint, eHealth)."""
    if len(word) > 1 and word.isupper():
        return True
    return any(ch.isupper() for ch in word[1:])


def mid_sentence(name) -> str:
    """The name as written inside a sentence: lower case, except acronyms and inner capitals."""
    return _WORD.sub(lambda m: m.group(0) if _keeps_capitals(m.group(0)) else m.group(0).lower(), str(name))


def join_names(names) -> str:
    """ "Camden", "Camden and Hackney", "Camden, Hackney and Islington"."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def staff_of(names) -> str:
    """Whose staff, from who owns the thing: "Camden’s staff", or for several owners "the
    staff of Camden, Hackney and Islington"; never a fixed "the city’s staff"."""
    names = [str(n) for n in names]
    if not names:
        return "the owners’ staff"
    if len(names) == 1:
        return f"{possessive(names[0])} staff"
    return f"the staff of {join_names(names)}"
