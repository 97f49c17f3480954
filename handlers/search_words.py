"""A search's words, folded as the text they are looked for in (folding.py): read by the search route and by an
export of a search (its words are checked when the export starts)."""

from __future__ import annotations

import re

import api_gateway as api
from folding import folded
from view_limits import MAX_QUERY_LENGTH, MAX_QUERY_WORDS


def query_words(q: str) -> list[str]:
    """The words of q; BadRequest for text the form would not accept (control characters, line breaks, lone
    surrogates), for too much, and for nothing left once format characters are folded out."""
    words = folded(q).split()
    text_the_form_accepts = not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]", q)
    if len(q) > MAX_QUERY_LENGTH or len(words) > MAX_QUERY_WORDS or not text_the_form_accepts:
        raise api.BadRequest(
            f"q must be at most {MAX_QUERY_LENGTH} characters of text and {MAX_QUERY_WORDS} words",
            {"q": "is not valid"},
        )
    if not words:
        raise api.BadRequest("q is missing: send the words to look for", {"q": "is required"})
    return words
