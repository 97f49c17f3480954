"""The owner's routes under /api/submissions (JWT required): list, view, change status, delete, export."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import api_gateway as api
import dynamodb_client
import inbox
from csv_export import to_csv
from page_sizes import DEFAULT_PAGE, MAX_PAGE
from table_schema import STATUSES

MAX_PATCH_BYTES = 1024
# Lambda's response payload limit is 6 MB; stop well before it and say so rather than fail.
MAX_EXPORT_BYTES = 5 * 1024 * 1024


def require_owner(event: api.Event) -> None:
    """The gateway's JWT authorizer has already checked the token; refusing a request without claims
    keeps a misconfigured route from exposing the inbox."""
    claims = event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims", {})
    if not claims.get("sub"):
        raise api.Unauthorized("sign in first: this route needs an owner's access token")


def query(event: api.Event) -> dict[str, str]:
    return {k: str(v) for k, v in (event.get("queryStringParameters") or {}).items()}


def status_filter(params: dict[str, str]) -> str | None:
    status = params.get("status") or None
    if status is not None and status not in STATUSES:
        raise api.BadRequest(f"status {status!r} is not one of {', '.join(STATUSES)}", {"status": "is not valid"})
    return status


def page_limit(params: dict[str, str]) -> int:
    raw = params.get("limit") or str(DEFAULT_PAGE)
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        raise api.BadRequest(f"limit must be a whole number from 1 to {MAX_PAGE}", {"limit": "is not valid"})
    return int(raw)


def submission_id(event: api.Event) -> str:
    """The path's id; every id is a UUID, so anything else is unknown (and never reaches DynamoDB's key limits)."""
    raw = str((event.get("pathParameters") or {}).get("id", ""))
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise api.NotFound(f"no submission with id {raw[:100]}") from None


def _owner_route(work: Callable[[api.Event], api.Response]) -> Callable[[api.Event, object], api.Response]:
    def handler(event: api.Event, context: object) -> api.Response:
        def guarded() -> api.Response:
            require_owner(event)
            return work(event)

        return api.run(event, guarded)

    return handler


def _list(event: api.Event) -> api.Response:
    params = query(event)
    page = inbox.list_page(
        dynamodb_client.dynamodb,
        dynamodb_client.TABLE_NAME,
        status_filter(params),
        page_limit(params),
        params.get("cursor"),
    )
    return api.json_response(HTTPStatus.OK, page, api.request_id(event))


def _get(event: api.Event) -> api.Response:
    item = inbox.get(dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, submission_id(event))
    return api.json_response(HTTPStatus.OK, {"item": item}, api.request_id(event))


def _update(event: api.Event) -> api.Response:
    if not api.header(event, "content-type").lower().startswith("application/json"):
        raise api.UnsupportedMediaType('send application/json like {"status": "handled"}')
    body = api.parse_json(api.body_bytes(event, MAX_PATCH_BYTES) or b"null", "request body")
    if not isinstance(body, dict) or set(body) != {"status"} or body["status"] not in STATUSES:
        raise api.BadRequest(
            f'send {{"status": …}} with one of {", ".join(STATUSES)}', {"status": "is missing or not valid"}
        )
    item = inbox.set_status(dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, submission_id(event), body["status"])
    return api.json_response(HTTPStatus.OK, {"item": item}, api.request_id(event))


def _delete(event: api.Event) -> api.Response:
    sid = submission_id(event)
    inbox.delete(dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, sid)
    return api.json_response(HTTPStatus.OK, {"deleted": sid}, api.request_id(event))


def all_items(status: str | None) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    while True:
        page = inbox.list_page(dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, status, MAX_PAGE, cursor)
        yield from page["items"]
        cursor = page["cursor"]
        if not cursor:
            return


def _export(event: api.Event) -> api.Response:
    body = to_csv(all_items(status_filter(query(event))))
    if len(body.encode("utf-8")) > MAX_EXPORT_BYTES:
        raise api.PayloadTooLarge("the export is over 5 MB; export one status at a time with ?status=")
    today = datetime.now(UTC).date().isoformat()
    disposition = f'attachment; filename="submissions-{today}.csv"'
    headers = {"content-type": "text/csv; charset=utf-8", "content-disposition": disposition}
    return api.response(HTTPStatus.OK, body, api.request_id(event), headers)


list_submissions = _owner_route(_list)
get_submission = _owner_route(_get)
update_submission = _owner_route(_update)
delete_submission = _owner_route(_delete)
export_csv = _owner_route(_export)
