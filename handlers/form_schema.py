"""The contact form's fields: the one declaration that the handler validates with (form_validation), the page
matches, and the owner's views, email and export take their column labels from."""

from __future__ import annotations


class Field:
    """One field of the form: its name, the label people read, and the rules its value keeps.
    A plain class: @dataclass compiles methods at every function's cold start."""

    __slots__ = ("kind", "label", "max_length", "multiline", "name", "required")

    def __init__(
        self, name: str, label: str, required: bool, max_length: int, multiline: bool = False, kind: str = "text"
    ) -> None:
        self.name, self.label, self.required, self.max_length = name, label, required, max_length
        self.multiline = multiline
        self.kind = kind  # "text" or "email": how the value's syntax is checked

    def renamed(self, name: str, label: str) -> Field:
        """The same rules under another name (a hosted service's alias)."""
        return Field(name, label, self.required, self.max_length, self.multiline, self.kind)


FIELDS: tuple[Field, ...] = (
    Field("first_name", "First name", True, 100),
    Field("last_name", "Last name", False, 100),  # optional: some people have one name
    Field("email", "Email", True, 254, kind="email"),
    Field("job_title", "Job title", False, 200),
    Field("phone_number", "Phone number", False, 40),
    Field("company", "Company", False, 200),
    Field("message", "Message", False, 5000, multiline=True),
)
FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
NAME_FIELDS = ("first_name", "last_name")

# Hosted form services' control fields (Formspree, FormSubmit, Web3Forms, Basin), so an existing form works once
# its action points here. None is stored as enquiry text.
# Hidden inputs people never see or fill; bots that fill every input do. "website" is this site's own.
HONEYPOTS = ("website", "_gotcha", "_honey", "botcheck")
# The client-made idempotency key (a UUID): a retried post stores nothing new.
SUBMISSION_ID = "submission_id"
NEXT_FIELDS = ("_next", "_redirect")  # the thank-you page, a path on this site only (no open redirect)
SUBJECT_FIELD = "_subject"  # the subject of the owner's email
SUBJECT = Field("subject", "Subject", False, 200)  # how it is checked and stored
# Other services' names for this form's fields, used when the field itself is absent: label, field.
ALIASES: dict[str, tuple[str, str]] = {"_replyto": ("Email", "email"), "name": ("Name", "first_name")}
TURNSTILE_FIELD = "cf-turnstile-response"  # the bot check's token
MAX_BOT_TOKEN = 2048  # Turnstile's longest
CONTROL_FIELDS = (*HONEYPOTS, SUBMISSION_ID, *NEXT_FIELDS, SUBJECT_FIELD, *ALIASES, TURNSTILE_FIELD)
# What the contact function does with fields this form does not define (the extraFields setting).
EXTRA_FIELDS_MODES = REFUSE, KEEP = ("refuse", "keep")
# Unknown fields, when the stack keeps them (extraFields: keep): how many, and how long each name and value.
MAX_EXTRA_FIELDS = 20
MAX_EXTRA_NAME = 64
MAX_EXTRA_LENGTH = 2000
# Every post within the field limits fits, in any encoding: one character takes at most 12 bytes (an
# escaped surrogate pair in JSON, four %XX in a form), plus names, the id, control fields and multipart framing.
MAX_BODY_BYTES = (
    12
    * (sum(f.max_length for f in FIELDS) + SUBJECT.max_length + MAX_EXTRA_FIELDS * (MAX_EXTRA_NAME + MAX_EXTRA_LENGTH))
    + 8192
)
# The redirect a form may ask for: one "/", then printable ASCII but a backslash. Browsers read "//host",
# a backslash as a slash, and drop tabs and line breaks, so each could lead to another host.
LOCAL_PATH_PATTERN = r"^/(?![/\\])[!-\[\]-~]{0,999}$"  # also the OpenAPI document's pattern


# What SES can reply to (no SMTPUTF8; IDN as xn--). Also the page's v-mode `pattern`, so `-` is escaped.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+'\-]+(?:\.[A-Za-z0-9_%+'\-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)+$"
)
MAX_LOCAL_PART = 64
