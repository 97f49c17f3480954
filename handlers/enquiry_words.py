"""Which words of an enquiry a search looks for, and which of them the search index holds (word_index.py)."""

from __future__ import annotations

import re
from typing import Any

import table_schema as ts
from folding import folded
from form_schema import FIELDS
from stored_items import extra_fields

SEARCHED = (*(f.name for f in FIELDS), ts.SUBJECT)  # every field the visitor wrote; kept fields come after
# The words indexed per enquiry, in the order they appear: the form's own fields at their limits (a message of
# 5,000 characters) hold fewer distinct words. An enquiry with more is listed under LONG too, and a search reads
# those whole (indexed_search.py), so a word past the cap is still found.
MAX_WORDS = 600
MIN_LENGTH, MAX_LENGTH = 2, 64  # shorter or longer runs of letters are not looked up: the scan finds them
# Words nearly every English enquiry holds: indexing them costs a write each and finds nothing worth finding.
STOP_WORDS = frozenset(
    "a an and are as at be but by for from had has have he her his i if in is it its me my no not of on or our "
    "she so that the their them then there they this to us was we were what when which who will with would you "
    "your".split()
)


def is_searchable(item: dict[str, Any]) -> bool:
    """Whether the index holds an item: an enquiry (not one of the table's own items) that is not spam."""
    submission_id = str(item.get(ts.HASH_KEY) or "")
    return ts.canonical_id(submission_id) == submission_id and item.get(ts.STATUS) != ts.SPAM


def item_text(item: dict[str, Any]) -> str:
    """Every text of an enquiry a search looks in (its fields, subject, kept fields' names and values), folded."""
    texts = [str(item.get(name) or "") for name in SEARCHED] + [f"{k} {v}" for k, v in extra_fields(item).items()]
    return folded("\n".join(texts))


def text_words(text: str) -> list[str]:
    """The distinct runs of letters and digits of folded text, in order (an address gives its parts)."""
    return list(dict.fromkeys(w for w in re.split(r"[\W_]+", text) if w))


def is_indexed(word: str) -> bool:
    return MIN_LENGTH <= len(word) <= MAX_LENGTH and word not in STOP_WORDS


def indexed_words(item: dict[str, Any]) -> tuple[list[str], bool]:
    """The words an enquiry is indexed under, and whether it has more than MAX_WORDS of them."""
    words = [w for w in text_words(item_text(item)) if is_indexed(w)]
    return words[:MAX_WORDS], len(words) > MAX_WORDS
