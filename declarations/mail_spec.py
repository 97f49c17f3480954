"""How the site's mail domain is set up for SES, shared by the MailDomain component and the local runner."""

from __future__ import annotations

# The sender's local part when notifyFrom is left empty and a mail domain is set.
NOTIFY_LOCAL_PART = "notifications"
# What Cognito's invitation and password emails come from, on the mail domain.
OWNER_MAIL_LOCAL_PART = "no-reply"
# Receivers report bounces and complaints to the MAIL FROM domain; SES's feedback endpoint takes them.
MAIL_FROM_MX_PRIORITY = 10
SPF_RECORD = "v=spf1 include:amazonses.com ~all"
# The events a receiver's refusal or delay produces after SES accepted an email.
WATCHED_EVENTS = ("BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY")
DMARC_POLICIES = ("none", "quarantine", "reject")
# Large free-mail providers publish strict DMARC policies: mail "from" them sent through SES fails DMARC.
FREE_MAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com", "live.com",
     "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "gmx.com",
     "gmx.de", "web.de", "mail.com", "yandex.com", "zoho.com"}
)  # fmt: skip


def dkim_record(token: str, domain: str) -> tuple[str, str]:
    """Easy DKIM's CNAME for one of the identity's three tokens, in the form AWS documents."""
    return f"{token}._domainkey.{domain}", f"{token}.dkim.amazonses.com"


def mail_from_mx(region: str) -> str:
    return f"{MAIL_FROM_MX_PRIORITY} feedback-smtp.{region}.amazonses.com"


def dmarc_record(policy: str) -> str:
    return f"v=DMARC1; p={policy}"
