"""DynamoDB as the handlers see it: timestamps that sort, the failures that mean "try again later", and the API
errors a failed call becomes."""

from __future__ import annotations

import time

import botocore.exceptions

from api_gateway import NotFound, Unavailable
from table_schema import CONDITION_FAILED, iso_milliseconds

# DynamoDB answers that mean "try again later", as opposed to a bug in the request.
_RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
    }
)


def is_unavailable(error: Exception) -> bool:
    """True when a botocore error means the service is throttling, failing or unreachable."""
    if isinstance(error, botocore.exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in _RETRYABLE_CODES or status >= 500
    return isinstance(
        error,
        (
            botocore.exceptions.ConnectionError,  # connect/read timeouts and refused connections
            botocore.exceptions.HTTPClientError,
        ),
    )


def now_iso() -> str:
    return iso_milliseconds(time.time_ns() // 1_000_000)


UNAVAILABLE = "the message store is busy or unreachable; nothing was saved, please try again"


class dynamo_errors:  # lower case, as contextlib's own managers are (suppress, closing)
    """DynamoDB failures as API errors: a failed `attribute_exists` is NotFound, throttling and outages Unavailable
    (nothing changed; it may be retried). A class: @contextmanager builds a generator and a wrapper per use."""

    __slots__ = ("missing_id",)

    def __init__(self, missing_id: str | None = None) -> None:
        self.missing_id = missing_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        if isinstance(error, botocore.exceptions.ClientError):
            if self.missing_id is not None and error.response.get("Error", {}).get("Code") == CONDITION_FAILED:
                raise NotFound(f"no submission with id {self.missing_id}") from None
        if isinstance(error, Exception) and is_unavailable(error):
            raise Unavailable(UNAVAILABLE) from error
