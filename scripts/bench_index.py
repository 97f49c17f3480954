"""`make bench-index`: what the search index costs per enquiry, by the enquiry's size. For each kind of enquiry, the
words indexed (enquiry_words.py), the items the indexer writes (one per word, the long list's entry when past the
cap, and the enquiry's list) and their write units by DynamoDB's rule (1 WRU per KB or part of each item written),
and the indexer's CPU to find the words. Deleting or marking spam writes the same units again (a delete is billed as
the item's size); a status change between new and handled writes none (it reads the list: 1 RRU)."""

from __future__ import annotations

import json
import math
import statistics
import time
import uuid

from local import lambda_task_root

RUNS = 50
# A short enquiry; the form's longest message (5,000 characters of varied prose); the largest a stack keeping extra
# fields takes (every field at its limit and 20 kept fields of 2,000 characters).
PROSE = (
    "We run a small bakery in the old town and would like a quote for a new website with online ordering, "
    "a booking calendar for our baking classes, and a page for wholesale customers. "
)


def enquiries() -> dict[str, dict[str, str]]:
    lambda_task_root.enter()
    import table_schema as ts

    base = {
        ts.HASH_KEY: str(uuid.uuid4()),
        ts.CREATED_AT: "2026-12-05T21:00:00.000Z",
        ts.STATUS: ts.NEW,
        "first_name": "Zoë",
        "last_name": "Lovelace",
        "email": "zoe@example.com",
        "company": "Dots Ltd",
    }
    words = [f"{w}{n}" for n in range(2000) for w in ("order", "cake")]
    varied = " ".join(words)[:5000]
    return {
        "short (a 300-character message)": base | {"message": PROSE * 2},
        "5,000 characters of prose": base | {"message": (PROSE * 40)[:5000]},
        "5,000 characters, every word new": base | {"message": varied},
        "largest with kept fields (94.5 KB)": base
        | {
            "message": varied,
            ts.EXTRA_FIELDS: json.dumps(
                {f"field{k}": " ".join(words[k * 300 : k * 300 + 300])[:2000] for k in range(20)}
            ),
        },
    }


def item_units(item: dict[str, dict[str, str]]) -> int:
    size = sum(len(name.encode()) + len(next(iter(v.values())).encode()) for name, v in item.items())
    return max(1, math.ceil(size / 1024))


def main() -> None:
    lambda_task_root.enter()
    import index_schema as xs
    import word_index
    from enquiry_words import indexed_words

    print("kind | words indexed | past the cap | items written | WRU to index | indexer CPU (median of 50)")
    for kind, item in enquiries().items():
        words, long = indexed_words(item)
        listed = [*words, word_index.LONG] if long else words
        entry = f"{item['created_at']}#{item['id']}"
        expiry = {"expires_at": {"N": "1800000000"}}
        entries = [
            {xs.WORD: {"S": word_index.partition(w, item["id"])}, xs.ENTRY: {"S": entry}} | expiry for w in listed
        ]
        the_list = {xs.WORD: {"S": f"#{item['id']}"}, xs.ENTRY: {"S": "#"}, word_index.WORDS: {"S": " ".join(listed)}}
        the_list |= {word_index.LISTED_ENTRY: {"S": entry}} | expiry
        units = sum(map(item_units, entries)) + item_units(the_list)
        times = []
        for _ in range(RUNS):
            started = time.process_time()
            indexed_words(item)
            times.append(time.process_time() - started)
        cpu = statistics.median(times) * 1000
        print(f"{kind} | {len(words)} | {long} | {len(entries) + 1} | {units} | {cpu:.2f} ms")


if __name__ == "__main__":
    main()
