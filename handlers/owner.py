"""The owner's routes under /api/submissions (JWT required): list, view, change status, delete, empty the spam
view and count what it holds, and one person's enquiries handed over or erased. Exports are exports.py's."""

from __future__ import annotations

from http import HTTPStatus

import api_gateway as api
import dynamodb_client
import inbox
import person
import word_index
from owner_requests import (
    json_body,
    owner_route,
    page_limit,
    query,
    status_filter,
    submission_id,
    timed_owner_route,
)
from table_schema import STATUSES

PERSON_EXAMPLE = '{"email": "name@example.com"}'


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
    body = api.parse_json(json_body(event, '{"status": "handled"}') or b"null", "request body")
    if not isinstance(body, dict) or set(body) != {"status"} or body["status"] not in STATUSES:
        raise api.BadRequest(
            f'send {{"status": …}} with one of {", ".join(STATUSES)}', {"status": "is missing or not valid"}
        )
    item = inbox.set_status(
        dynamodb_client.dynamodb,
        dynamodb_client.TABLE_NAME,
        submission_id(event),
        body["status"],
        dynamodb_client.RETENTION_DAYS,
        dynamodb_client.SPAM_RETENTION_DAYS,
    )
    return api.json_response(HTTPStatus.OK, {"item": item}, api.request_id(event))


def _delete(event: api.Event) -> api.Response:
    sid = submission_id(event)
    inbox.delete(dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, sid)
    return api.json_response(HTTPStatus.OK, {"deleted": sid}, api.request_id(event))


def _empty_spam(event: api.Event) -> api.Response:
    emptied = inbox.empty_spam(dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME)
    return api.json_response(HTTPStatus.OK, {"emptied_at": emptied}, api.request_id(event))


def _spam_held(event: api.Event, stop_at: float) -> api.Response:
    held = inbox.held_back(dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, stop_at)
    return api.json_response(HTTPStatus.OK, held, api.request_id(event))


def _export_person(event: api.Event, stop_at: float) -> api.Response:
    found = person.export(
        dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, json_body(event, PERSON_EXAMPLE), stop_at
    )
    return api.json_response(HTTPStatus.OK, found, api.request_id(event))


def _erase_person(event: api.Event, stop_at: float) -> api.Response:
    erased = person.erase(
        dynamodb_client.dynamodb,
        (dynamodb_client.TABLE_NAME, word_index.TABLE),
        json_body(event, PERSON_EXAMPLE),
        stop_at,
    )
    return api.json_response(HTTPStatus.OK, erased, api.request_id(event))


list_submissions = owner_route(_list)
get_submission = owner_route(_get)
update_submission = owner_route(_update)
delete_submission = owner_route(_delete)
empty_spam = owner_route(_empty_spam)
spam_held = timed_owner_route(_spam_held)
export_person = timed_owner_route(_export_person)
erase_person = timed_owner_route(_erase_person)
