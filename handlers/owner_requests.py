"""What every owner route shares: the signed-in check, and reading the view's query parameters and the path's id."""

from __future__ import annotations

import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import api_gateway as api
from table_schema import STATUSES, canonical_id
from view_limits import DEFAULT_PAGE, MAX_PAGE

MAX_JSON_BYTES = 1024  # a status, an address and a cursor, a view to export


class Unauthorized(api.ApiError):  # only the owner's routes need a sign-in
    status = HTTPStatus.UNAUTHORIZED


def require_owner(event: api.Event) -> None:
    """The gateway's JWT authorizer has already checked the token; refusing a request without claims
    keeps a misconfigured route from exposing the inbox."""
    claims = event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims", {})
    if not claims.get("sub"):
        raise Unauthorized("sign in first: this route needs an owner's access token")


def query(event: api.Event) -> dict[str, str]:
    return {k: str(v) for k, v in (event.get("queryStringParameters") or {}).items()}


def status_filter(params: dict[str, str]) -> str | None:
    status = params.get("status") or None
    if status is not None and status not in STATUSES:
        raise api.BadRequest(f"status {status!r} is not one of {', '.join(STATUSES)}", {"status": "is not valid"})
    return status


def json_body(event: api.Event, example: str) -> bytes:
    """An owner request's JSON body (a status, a person's address: never in the URL, which reaches access logs);
    UnsupportedMediaType naming `example` for anything else."""
    if not api.header(event, "content-type").lower().startswith("application/json"):
        raise api.UnsupportedMediaType(f"send application/json like {example}")
    return api.body_bytes(event, MAX_JSON_BYTES)


def whole_number(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within [low, high], `default` when absent; BadRequest naming it otherwise."""
    raw = params.get(name) or str(default)
    sign, digits = (-1, raw[1:]) if raw.startswith("-") else (1, raw)
    # At most 9 digits: int() of a huge digit string is slow, and past 4,300 digits it raises.
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9) or not low <= sign * int(digits) <= high:
        raise api.BadRequest(f"{name} must be a whole number from {low} to {high}", {name: "is not valid"})
    return sign * int(digits)


def page_limit(params: dict[str, str]) -> int:
    return whole_number(params, "limit", DEFAULT_PAGE, 1, MAX_PAGE)


def submission_id(event: api.Event) -> str:
    """The path's id; every id is a UUID, so anything else is unknown (and never reaches DynamoDB's key limits)."""
    raw = str((event.get("pathParameters") or {}).get("id", ""))
    submission_id = canonical_id(raw)
    if submission_id is None:
        raise api.NotFound(f"no submission with id {raw[:100]}")
    return submission_id


# Seconds a long request leaves of the function's time when it stops reading: for the DynamoDB call in flight (the
# client's 2 s read timeout) and the answer.
ANSWER_SECONDS = 3


def owner_route(work: Callable[[api.Event], api.Response]) -> Callable[[api.Event, object], api.Response]:
    def handler(event: api.Event, context: object) -> api.Response:
        def guarded() -> api.Response:
            require_owner(event)
            return work(event)

        return api.run(event, guarded)

    return handler


def timed_owner_route(work: Callable[[api.Event, float], api.Response]) -> Callable[[api.Event, Any], api.Response]:
    """owner_route for work that reads until a deadline: `work` gets the time.monotonic() to stop by, from Lambda's
    context, so it answers (with a cursor) before the function's timeout would answer nothing."""

    def handler(event: api.Event, context: Any) -> api.Response:
        stop_at = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - ANSWER_SECONDS
        return owner_route(lambda e: work(e, stop_at))(event, context)

    return handler
