"""The names (never a secret) of the environment variables the stack sets and the functions read."""

TABLE_NAME = "TABLE_NAME"
RETENTION_DAYS = "RETENTION_DAYS"
SPAM_RETENTION_DAYS = "SPAM_RETENTION_DAYS"
EXTRA_FIELDS = "EXTRA_FIELDS"  # form_schema.EXTRA_FIELDS_MODES: "keep" stores fields the form does not define
NOTIFY_FROM = "NOTIFY_FROM"
NOTIFY_TO = "NOTIFY_TO"  # comma-separated
NOTIFY_CONFIGURATION_SET = "NOTIFY_CONFIGURATION_SET"
DASHBOARD_URL = "DASHBOARD_URL"
WEBHOOK_PARAMETER = "WEBHOOK_PARAMETER"  # an SSM SecureString's name
PAGE_SHELL = "PAGE_SHELL"  # www/error.html: the frame of the form's error page
EDGE_PROOF_HASHES = "EDGE_PROOF_HASHES"  # comma-separated (edge.py)
COUNTERS_TABLE = "COUNTERS_TABLE"
VISITOR_LIMIT = "VISITOR_LIMIT"  # contactClientLimit
VISITOR_CEILING = "VISITOR_CEILING"  # contactClientCeiling
NOTIFY_MAX_PER_HOUR = "NOTIFY_MAX_PER_HOUR"
# The bot check's (bot_check.py says what each holds).
BOT_CHECK = "BOT_CHECK"
BOT_CHECK_PARAMETER = "BOT_CHECK_PARAMETER"
BOT_CHECK_HOSTNAMES = "BOT_CHECK_HOSTNAMES"
BOT_CHECK_VERIFY_URL = "BOT_CHECK_VERIFY_URL"
EXPORT_BUCKET = "EXPORT_BUCKET"  # export_record.py
EXPORT_FUNCTION = "EXPORT_FUNCTION"
