"""Connecting The Dots: the whole small-business site on AWS, one stack per environment."""

import pulumi

from components.alarms import AlarmSet, AlarmSetArgs
from components.auth import OwnerAuth, OwnerAuthArgs, OwnerEmailArgs
from components.edge_certificate import EdgeCertificate, EdgeCertificateArgs
from components.edge_firewall import EdgeFirewall, EdgeFirewallArgs
from components.edge_secret import EdgeSecrets, EdgeSecretsArgs
from components.export_files import ExportFiles, ExportFilesArgs
from components.function import FunctionSizing
from components.hourly_counters import HourlyCounters
from components.http_api import ApiDomainArgs, ExportArgs, HttpApi, HttpApiArgs, JwtAuthorizerArgs, VisitorLimitArgs
from components.mail_domain import MailDomain, MailDomainArgs
from components.notifier import BotCheckArgs, MailboxCapArgs, Notifier, NotifierArgs, SendingDomain
from components.search_index import IndexTableArgs, SearchIndex, SearchIndexArgs
from components.settings import load_settings
from components.static_site import SiteDomain, StaticSite, StaticSiteArgs
from components.table import SubmissionsTable, SubmissionsTableArgs
from declarations import web_assets
from declarations.mail_spec import OWNER_MAIL_LOCAL_PART
from declarations.owner_pool_spec import cognito_endpoint

settings = load_settings()

mail = (
    MailDomain(
        "mail",
        MailDomainArgs(
            zone_id=settings.mail_domain.zone_id,
            domain=settings.mail_domain.name,
            mail_from_subdomain=settings.mail_domain.mail_from_subdomain,
            dmarc_policy=settings.mail_domain.dmarc_policy,
            region=settings.region,
        ),
    )
    if settings.mail_domain
    else None
)

table = SubmissionsTable("submissions", SubmissionsTableArgs(protect_data=settings.protect_data))
counters = HourlyCounters("counters")
edge_secrets = EdgeSecrets("edge-secret", EdgeSecretsArgs(version=settings.edge_secret_version))
sizing = FunctionSizing(
    memory_mb=settings.lambda_memory_mb,
    timeout_seconds=settings.lambda_timeout_seconds,
    log_retention_days=settings.log_retention_days,
)


search_index = SearchIndex("search-index", SearchIndexArgs(table.name, table.arn, table.stream_arn, sizing))
index_table = IndexTableArgs(search_index.name, search_index.arn)
exports = ExportFiles("exports", ExportFilesArgs(table.name, table.arn, sizing, index_table))

auth = OwnerAuth(
    "owners",
    OwnerAuthArgs(
        region=settings.region,
        owner_emails=settings.owner_emails,
        mfa=settings.owner_mfa,
        protect_data=settings.protect_data,
        email=OwnerEmailArgs(
            identity_arn=mail.identity_arn,
            from_address=mail.domain.apply(lambda d: f"{OWNER_MAIL_LOCAL_PART}@{d}"),
            configuration_set_name=mail.configuration_set_name,
        )
        if mail
        else None,
    ),
)

certificate = (
    EdgeCertificate("site-certificate", EdgeCertificateArgs(settings.domain.name, settings.domain.hosted_zone_id))
    if settings.domain
    else None
)
# With a domain, the API gets its own host under it, CloudFront's origin, and API Gateway's default URL is off.
api_domain = (
    ApiDomainArgs(
        f"api.{settings.domain.name}",
        settings.domain.hosted_zone_id,
        EdgeCertificate(
            "api-certificate",
            EdgeCertificateArgs(f"api.{settings.domain.name}", settings.domain.hosted_zone_id, settings.region),
        ).arn,
    )
    if settings.domain
    else None
)

api = HttpApi(
    "api",
    HttpApiArgs(
        table_name=table.name,
        table_arn=table.arn,
        submission_retention_days=settings.submission_retention_days,
        spam_retention_days=settings.spam_retention_days,
        sizing=sizing,
        throttle_rate_limit=settings.throttle_rate_limit,
        throttle_burst_limit=settings.throttle_burst_limit,
        contact_rate_limit=settings.contact_rate_limit,
        contact_burst_limit=settings.contact_burst_limit,
        keep_extra_fields=settings.keep_extra_fields,
        allowed_origins=settings.allowed_origins,
        authorizer=JwtAuthorizerArgs(issuer=auth.issuer, audience=auth.client_id),
        edge_proof_hashes=edge_secrets.accepted_hashes,
        visitors=VisitorLimitArgs(
            counters.name, counters.arn, settings.contact_client_limit, settings.contact_client_ceiling
        ),
        exports=ExportArgs(exports.bucket_name, exports.bucket_arn, exports.function_name, exports.function_arn),
        search_index=index_table,
        domain=api_domain,
        bot_check=settings.bot_check.provider if settings.bot_check else "",
    ),
)

firewall = (
    EdgeFirewall("edge-firewall", EdgeFirewallArgs(settings.waf_rate_limit, settings.waf_contact_rate_limit))
    if settings.waf_rate_limit
    else None
)

site = StaticSite(
    "site",
    StaticSiteArgs(
        api_origin_domain=api.origin_domain,
        api_origin_secret=edge_secrets.header_value,
        page_config=web_assets.page_config(
            settings.region, cognito_endpoint(settings.region), auth.pool_id, auth.client_id
        ),
        connect_sources=[cognito_endpoint(settings.region)],
        price_class=settings.price_class,
        page_version_retention_days=settings.page_version_retention_days,
        domain=SiteDomain(settings.domain.name, settings.domain.hosted_zone_id, certificate.arn)
        if settings.domain and certificate
        else None,
        web_acl_arn=firewall.arn if firewall else None,
        bot_check_site_key=settings.bot_check.site_key if settings.bot_check else "",
    ),
)

notifier = (
    Notifier(
        "notify",
        NotifierArgs(
            table_stream_arn=table.stream_arn,
            dashboard_url=site.url.apply(lambda url: f"{url}/dashboard.html"),
            notifications=settings.notifications,
            webhook=settings.webhook,
            sending_domain=SendingDomain(
                mail.domain, mail.identity_arn, mail.configuration_set_name, mail.configuration_set_arn
            )
            if mail
            else None,
            sizing=sizing,
            mailbox=MailboxCapArgs(
                settings.notify_max_per_hour,
                counters.name,
                counters.arn,
                table.name,
                table.arn,
                settings.contact_client_limit,
            ),
            bot_check=BotCheckArgs(
                settings.bot_check.secret,
                # Where a widget may be solved: this site, and the other sites allowed to post the form.
                site.url.apply(lambda url: ",".join(web_assets.host_names([url, *settings.allowed_origins]))),
                table.name,
                table.arn,
                settings.spam_retention_days,
            )
            if settings.bot_check
            else None,
        ),
    )
    if settings.notifications or settings.webhook or settings.bot_check
    else None
)

if settings.alarms.enabled:
    functions = {
        **api.function_names,
        "export-writer": exports.function_name,
        "search-indexer": search_index.function_name,
    }
    if notifier:
        functions["notify"] = notifier.function_name
    alarms = AlarmSet(
        "alarms",
        AlarmSetArgs(
            settings=settings.alarms,
            api_id=api.api_id,
            function_names=functions,
            table_name=table.name,
            dead_letter_queue_name=notifier.dead_letter_queue_name if notifier else None,
            index_dead_letter_queue_name=search_index.dead_letter_queue_name,
            mail_configuration_set_name=mail.configuration_set_name if mail else None,
        ),
    )
    pulumi.export("alarm_topic_arn", alarms.topic_arn)

pulumi.export("site_url", site.url)
pulumi.export("api_url", site.url.apply(lambda url: f"{url}/api"))
pulumi.export("table_name", table.name)
pulumi.export("search_index_table_name", search_index.name)
pulumi.export("user_pool_id", auth.pool_id)
pulumi.export("user_pool_client_id", auth.client_id)
pulumi.export("bucket_name", site.bucket_name)
pulumi.export("distribution_id", site.distribution_id)
if mail:
    pulumi.export("mail_domain", mail.domain)
