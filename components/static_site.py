"""StaticSite: www/ in a private S3 bucket behind CloudFront, with /api/* routed to the HTTP API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.private_bucket import deny_plain_http, private_bucket
from declarations import web_assets
from handlers.edge import ORIGIN_PROOF

# AWS-managed CloudFront policies (their ids are fixed and documented by AWS).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

S3_ORIGIN = "site"
API_ORIGIN = "api"
# Runs on every /api/* request as it arrives: writes the address CloudFront received the connection from.
VIEWER_ADDRESS_FUNCTION = Path(__file__).with_name("viewer_address.js")


@dataclass(frozen=True)
class SiteDomain:
    name: str  # www.example.com
    zone_id: str  # its Route 53 hosted zone
    certificate_arn: pulumi.Input[str]  # an issued ACM certificate in us-east-1


@dataclass(frozen=True)
class StaticSiteArgs:
    api_origin_domain: pulumi.Input[str]  # the API's host: its own domain, or <id>.execute-api.<region>.amazonaws.com
    api_origin_secret: pulumi.Input[str]  # sent to the API as ORIGIN_PROOF, which the functions require
    page_config: dict[str, pulumi.Input[str]]  # the values config.js hands to the pages
    connect_sources: list[str]  # other origins the pages call (the CSP's connect-src)
    price_class: str
    page_version_retention_days: int  # old versions of replaced or deleted files, kept for rollback
    domain: SiteDomain | None = None  # None: the distribution's own *.cloudfront.net name
    web_acl_arn: pulumi.Input[str] | None = None
    bot_check_site_key: str = ""  # Turnstile's site key: the contact page gets the widget, the CSP its origin


def bucket_policy(bucket_arn: str, distribution_arn: str) -> str:
    """Only this distribution may read objects, and only over TLS."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloudFrontReadsThroughOAC",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": f"{bucket_arn}/*",
                    "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
                },
                deny_plain_http(bucket_arn),
            ],
        }
    )


def _viewer_certificate(domain: SiteDomain | None) -> aws.cloudfront.DistributionViewerCertificateArgs:
    if domain is None:
        return aws.cloudfront.DistributionViewerCertificateArgs(cloudfront_default_certificate=True)
    return aws.cloudfront.DistributionViewerCertificateArgs(
        acm_certificate_arn=domain.certificate_arn,
        ssl_support_method="sni-only",
        minimum_protocol_version="TLSv1.2_2021",
    )


class StaticSite(pulumi.ComponentResource):
    url: pulumi.Output[str]
    domain_name: pulumi.Output[str]
    distribution_id: pulumi.Output[str]
    bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: StaticSiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:StaticSite", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        bucket, public_access = self._private_bucket(name, args)
        distribution = self._distribution(name, args, bucket)
        if args.domain is not None:
            self._domain_records(name, args.domain, distribution)
        aws.s3.BucketPolicy(
            f"{name}-content",
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, distribution.arn).apply(lambda arns: bucket_policy(*arns)),
            # S3 refuses a bucket policy while the public access block is being applied.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]),
        )
        self._pages(name, args, bucket)
        self.domain_name = distribution.domain_name
        self.url = (
            pulumi.Output.from_input(f"https://{args.domain.name}")
            if args.domain
            else distribution.domain_name.apply(lambda d: f"https://{d}")
        )
        self.distribution_id = distribution.id
        self.bucket_name = bucket.id
        self.register_outputs({"url": self.url})

    def _private_bucket(self, name: str, args: StaticSiteArgs) -> tuple[aws.s3.Bucket, aws.s3.BucketPublicAccessBlock]:
        """The pages' bucket: no public access, owner-enforced objects, encrypted, versioned with old versions
        expiring. Returns the bucket and its public access block (the bucket policy must wait for it)."""
        bucket, public_access = private_bucket(f"{name}-content", self)
        # Versions let a bad page deploy be rolled back (README); old ones expire so the bucket does not grow.
        versioning = aws.s3.BucketVersioning(
            f"{name}-content",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=self._child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-content",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-old-page-versions",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.page_version_retention_days
                    ),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        return bucket, public_access

    def _security_headers(self, name: str, args: StaticSiteArgs) -> aws.cloudfront.ResponseHeadersPolicy:
        """The headers every answer carries: the pages' CSP, nosniff, frame and referrer rules, HSTS."""
        return aws.cloudfront.ResponseHeadersPolicy(
            f"{name}-headers",
            security_headers_config=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs(
                content_security_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs(
                    content_security_policy=web_assets.content_security_policy(
                        args.connect_sources, web_assets.TURNSTILE_ORIGIN if args.bot_check_site_key else ""
                    ),
                    override=True,
                ),
                content_type_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(
                    override=True
                ),
                frame_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs(
                    frame_option=web_assets.FRAME_OPTION, override=True
                ),
                referrer_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
                    referrer_policy=web_assets.REFERRER_POLICY, override=True
                ),
                strict_transport_security=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
                    access_control_max_age_sec=web_assets.HSTS_SECONDS, include_subdomains=True, override=True
                ),
            ),
            opts=self._child,
        )

    def _distribution(self, name: str, args: StaticSiteArgs, bucket: aws.s3.Bucket) -> aws.cloudfront.Distribution:
        """CloudFront: the bucket through origin access control, /api/* to the HTTP API, HTTPS only."""
        oac = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=self._child,
        )
        headers = self._security_headers(name, args)
        viewer_address = aws.cloudfront.Function(
            f"{name}-viewer-address",
            runtime="cloudfront-js-2.0",
            code=VIEWER_ADDRESS_FUNCTION.read_text(),
            comment="Writes x-viewer-address from event.viewer.ip on /api/* requests",
            publish=True,
            opts=self._child,
        )
        return aws.cloudfront.Distribution(
            name,
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=args.price_class,
            default_root_object="index.html",
            origins=[
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=S3_ORIGIN,
                    domain_name=bucket.bucket_regional_domain_name,
                    origin_access_control_id=oac.id,
                ),
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=API_ORIGIN,
                    domain_name=args.api_origin_domain,
                    # CloudFront replaces a header of this name sent by a viewer with this value.
                    custom_headers=[
                        aws.cloudfront.DistributionOriginCustomHeaderArgs(
                            name=ORIGIN_PROOF, value=args.api_origin_secret
                        )
                    ],
                    custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                        http_port=80,
                        https_port=443,
                        origin_protocol_policy="https-only",
                        origin_ssl_protocols=["TLSv1.2"],
                    ),
                ),
            ],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=S3_ORIGIN,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD"],
                cached_methods=["GET", "HEAD"],
                cache_policy_id=CACHING_OPTIMIZED,
                response_headers_policy_id=headers.id,
                compress=True,
            ),
            ordered_cache_behaviors=[
                aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
                    path_pattern="/api/*",
                    target_origin_id=API_ORIGIN,
                    # A redirect would turn a POST into a GET; plain HTTP is refused instead.
                    viewer_protocol_policy="https-only",
                    allowed_methods=["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                    cached_methods=["GET", "HEAD"],
                    cache_policy_id=CACHING_DISABLED,
                    origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST_HEADER,
                    response_headers_policy_id=headers.id,
                    compress=True,
                    function_associations=[
                        aws.cloudfront.DistributionOrderedCacheBehaviorFunctionAssociationArgs(
                            event_type="viewer-request", function_arn=viewer_address.arn
                        )
                    ],
                )
            ],
            # Custom error responses apply to every behaviour, API included. S3 answers 403 for
            # a missing key (CloudFront may not list the bucket), and the API answers 403 only to a
            # request that did not come through this distribution, so mapping only 403 serves the
            # error page without hiding the API's JSON 404s.
            custom_error_responses=[
                aws.cloudfront.DistributionCustomErrorResponseArgs(
                    error_code=403,
                    response_code=404,
                    response_page_path=f"/{web_assets.ERROR_PAGE}",
                    error_caching_min_ttl=60,
                )
            ],
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
            ),
            aliases=[args.domain.name] if args.domain else None,
            viewer_certificate=_viewer_certificate(args.domain),
            web_acl_id=args.web_acl_arn,
            opts=self._child,
        )

    def _domain_records(self, name: str, domain: SiteDomain, distribution: aws.cloudfront.Distribution) -> None:
        """The site's own name, for IPv4 and IPv6, as aliases of the distribution."""
        for record_type in ("A", "AAAA"):
            aws.route53.Record(
                f"{name}-{record_type.lower()}",
                zone_id=domain.zone_id,
                name=domain.name,
                type=record_type,
                aliases=[
                    aws.route53.RecordAliasArgs(
                        name=distribution.domain_name,
                        zone_id=distribution.hosted_zone_id,
                        evaluate_target_health=False,
                    )
                ],
                opts=self._child,
            )

    def _pages(self, name: str, args: StaticSiteArgs, bucket: aws.s3.Bucket) -> None:
        """Every file of www/ (the contact page with the bot check's widget when it is on), and config.js made from
        the stack's values."""
        for path in web_assets.site_files():
            file = web_assets.WWW_DIR / path
            source = (
                pulumi.StringAsset(web_assets.with_bot_check(file.read_text(), args.bot_check_site_key))
                if path == web_assets.CONTACT_PAGE and args.bot_check_site_key
                else pulumi.FileAsset(str(file))
            )
            aws.s3.BucketObjectv2(
                f"{name}/{path}",
                bucket=bucket.id,
                key=path,
                source=source,
                content_type=web_assets.content_type(path),
                cache_control=web_assets.cache_control(path),
                opts=self._child,
            )
        aws.s3.BucketObjectv2(
            f"{name}/{web_assets.CONFIG_JS}",
            bucket=bucket.id,
            key=web_assets.CONFIG_JS,
            content=pulumi.Output.all(**args.page_config).apply(web_assets.config_js),
            content_type=web_assets.content_type(web_assets.CONFIG_JS),
            cache_control=web_assets.cache_control(web_assets.CONFIG_JS),
            opts=self._child,
        )
