"""A handler that raises outside any error handling, for the runner's own resilience test."""


def handler(event: dict, context: object) -> dict:
    raise RuntimeError("boom")
