"""The route table: the API component builds routes, functions and IAM from it; the local runner dispatches from it.

It names handlers but is not shipped with them: Lambda needs only the modules it runs."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class Route:
    name: str  # short, stable logical name of the route's function
    method: str  # HTTP method, or "" for the $default route
    path: str  # API Gateway path (with {param} segments), or DEFAULT_ROUTE
    handler: str  # "module.function" inside handlers/
    signed_in: bool  # True: the JWT authorizer guards it
    table_actions: tuple[str, ...]  # exactly the DynamoDB actions its code calls
    # Exactly the S3 actions it calls on the exports bucket, and lambda:InvokeFunction if it starts the export job.
    export_actions: tuple[str, ...] = ()
    index_actions: tuple[str, ...] = ()  # exactly the DynamoDB actions it calls on the search index

    @property
    def key(self) -> str:
        """The API Gateway route key."""
        return self.path if self.path == DEFAULT_ROUTE else f"{self.method} {self.path}"

    @property
    def arn_path(self) -> str:
        """The route as it appears after the stage in an execute-api ARN."""
        return self.path if self.path == DEFAULT_ROUTE else f"{self.method}{self.path}"


VIEW_ACTIONS = ("dynamodb:Query", "dynamodb:GetItem")
SEARCH_ACTIONS = (*VIEW_ACTIONS, "dynamodb:BatchGetItem")  # BatchGetItem: the enquiries the search index names
ERASE_ACTIONS = ("dynamodb:Scan", "dynamodb:DeleteItem")
# On the search index (word_index.py): reading a word's entries; removing an enquiry's (its list, then the entries
# in batches); writing them (the indexer alone).
INDEX_READ_ACTIONS = ("dynamodb:Query",)
INDEX_REMOVE_ACTIONS = ("dynamodb:GetItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem")
INDEX_WRITE_ACTIONS = (*INDEX_REMOVE_ACTIONS, "dynamodb:PutItem")
# s3:ListBucket: so that reading an export that is not there (or no longer) is a 404 rather than S3's 403.
EXPORT_READ_ACTIONS = ("s3:GetObject", "s3:ListBucket")
EXPORT_START_ACTIONS = ("s3:PutObject", "lambda:InvokeFunction")
ROUTES: tuple[Route, ...] = (
    Route("contact", "POST", "/api/contact", "contact.handler", False, ("dynamodb:PutItem",)),
    # GetItem: when the spam view was last emptied (table_schema.EMPTIED), read with the spam view.
    Route("list", "GET", "/api/submissions", "owner.list_submissions", True, VIEW_ACTIONS),
    Route("export-start", "POST", "/api/submissions/exports", "exports.start", True, (), EXPORT_START_ACTIONS),
    Route("export-progress", "GET", "/api/submissions/exports/{id}", "exports.progress", True, (), EXPORT_READ_ACTIONS),
    Route("search", "GET", "/api/submissions/search", "search.handler", True, SEARCH_ACTIONS, (), INDEX_READ_ACTIONS),
    Route("empty-spam", "POST", "/api/submissions/empty-spam", "owner.empty_spam", True, ("dynamodb:UpdateItem",)),
    Route("spam-held", "GET", "/api/submissions/spam-held", "owner.spam_held", True, VIEW_ACTIONS),
    Route("export-person", "POST", "/api/submissions/export-person", "owner.export_person", True, ("dynamodb:Scan",)),
    Route(
        "erase-person",
        "POST",
        "/api/submissions/erase",
        "owner.erase_person",
        True,
        ERASE_ACTIONS,
        (),
        INDEX_REMOVE_ACTIONS,
    ),
    Route("daily", "GET", "/api/submissions/daily", "daily_counts.handler", True, ("dynamodb:Query",)),
    Route("view", "GET", "/api/submissions/{id}", "owner.get_submission", True, ("dynamodb:GetItem",)),
    Route("update", "PATCH", "/api/submissions/{id}", "owner.update_submission", True, ("dynamodb:UpdateItem",)),
    Route("delete", "DELETE", "/api/submissions/{id}", "owner.delete_submission", True, ("dynamodb:DeleteItem",)),
    Route("not-found", "", DEFAULT_ROUTE, "not_found.handler", False, ()),
)
# The one route anyone may write to: it gets its own, tighter throttle (contactRateLimit).
CONTACT_ROUTE_KEY = next(r.key for r in ROUTES if r.name == "contact")
