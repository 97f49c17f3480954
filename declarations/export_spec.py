"""The export writer as the stack deploys it (components/export_files.py) and the local runner runs it."""

WRITER_HANDLER = "export_job.handler"
# A run stops export_job.CONTINUE_SECONDS before this and hands over to the next.
WRITER_TIMEOUT_SECONDS = 300
KEEP_DAYS = 1  # an export's file, its record and any upload left unfinished are deleted after this
