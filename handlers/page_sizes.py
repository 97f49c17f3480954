"""How many submissions one page of the owner's list holds: read by the owner API, its OpenAPI document and,
through config.js, the dashboard."""

DEFAULT_PAGE = 25
MAX_PAGE = 100  # a page of 100 items of up to ~50 KB each stays under Lambda's 6 MB response limit
