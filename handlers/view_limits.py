"""The limits of the owner's views, read by their handlers, the OpenAPI document and (page sizes, through
config.js) the dashboard: pages of the list and of search, a search's words, and the days of daily counts."""

DEFAULT_PAGE = 25
MAX_PAGE = 100  # a page of 100 items of up to ~50 KB each stays under Lambda's 6 MB response limit
MAX_QUERY_LENGTH = 200  # characters of a search
MAX_QUERY_WORDS = 10
DEFAULT_DAYS = 30  # daily counts
MAX_DAYS = 90
MAX_ADDRESS_LENGTH = 320  # an email address asked for in full (a person's data): 64 + "@" + 255
