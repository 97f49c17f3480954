"""The search index's table (word_index.py): its keys and the environment variable naming it. Apart from
table_schema.py, which every function packages, as only the functions that search, erase or index need it."""

INDEX_TABLE = "SEARCH_INDEX_TABLE"  # the environment variable
# Partition key: "<word>#<shard>" for a word's entries, "#<id>" for one enquiry's list of its own entries.
WORD = "word"
# Sort key: "<created_at>#<id>", so a word's entries read newest first, as the views do; "#" on an enquiry's list.
ENTRY = "entry"
# A word's entries are spread over SHARDS partitions by the enquiry's id: a word that every enquiry holds is
# written to (and read from) four partitions, not one.
SHARDS = 4
