"""EdgeFirewall: AWS WAF on the distribution: per-IP rate limits on POST /api/contact (per minute) and on /api/*
(per 5 minutes), both answered 429, and AWS's common rules."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.edge_certificate import EDGE_REGION

# CloudFront's web ACLs live in us-east-1, like its certificates; pulumi-aws v7 sets the region per resource.
w = aws.wafv2


def _visibility(metric: str) -> w.WebAclRuleVisibilityConfigArgs:
    return w.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


@dataclass(frozen=True)
class EdgeFirewallArgs:
    rate_limit: int  # requests per 5 minutes one IP may make to /api/*
    contact_rate_limit: int  # posts per minute one IP may make to /api/contact; 0 for no such rule


CONTACT_WINDOW_SECONDS = 60  # the shortest evaluation window WAF's rate-based rules offer


def _too_many() -> w.WebAclRuleActionArgs:
    return w.WebAclRuleActionArgs(
        block=w.WebAclRuleActionBlockArgs(custom_response=w.WebAclRuleActionBlockCustomResponseArgs(response_code=429))
    )


# The byte-match arguments of a rate rule's scope, in pulumi-aws v7's nested names.
_SCOPE = w.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs
_BYTE_MATCH = w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementArgs
_FIELD = w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchArgs
_URI_PATH = w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchUriPathArgs
_METHOD = w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchMethodArgs
_AS_SENT = w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementTextTransformationArgs


def _match(field: object, text: str, how: str) -> w.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs:
    """A rate rule's scope: the request's `field` (_FIELD's keyword and its Args) matches `text` as `how` says."""
    return _SCOPE(
        byte_match_statement=_BYTE_MATCH(
            positional_constraint=how,
            search_string=text,
            field_to_match=field,  # type: ignore[arg-type]
            text_transformations=[_AS_SENT(priority=0, type="NONE")],
        )
    )


def contact_rule(limit: int) -> w.WebAclRuleArgs:
    """Per IP, at most `limit` POSTs to /api/contact a minute; the rest get 429 until the rate falls."""
    post_to_contact = _SCOPE(
        and_statement=w.WebAclRuleStatementRateBasedStatementScopeDownStatementAndStatementArgs(
            statements=[
                _match(_FIELD(method=_METHOD()), "POST", "EXACTLY"),  # type: ignore[no-untyped-call]  # empty Args
                _match(_FIELD(uri_path=_URI_PATH()), "/api/contact", "EXACTLY"),  # type: ignore[no-untyped-call]
            ]
        )
    )
    return w.WebAclRuleArgs(
        name="contact-rate-per-ip",
        priority=0,
        action=_too_many(),
        statement=w.WebAclRuleStatementArgs(
            rate_based_statement=w.WebAclRuleStatementRateBasedStatementArgs(
                limit=limit,
                aggregate_key_type="IP",
                evaluation_window_sec=CONTACT_WINDOW_SECONDS,
                scope_down_statement=post_to_contact,
            )
        ),
        visibility_config=_visibility("contact-rate-per-ip"),
    )


class EdgeFirewall(pulumi.ComponentResource):
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: EdgeFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        rate_limit = args.rate_limit
        super().__init__("ctd:index:EdgeFirewall", name, None, opts)
        api_path = _match(_FIELD(uri_path=_URI_PATH()), "/api/", "STARTS_WITH")  # type: ignore[no-untyped-call]
        rate_rule = w.WebAclRuleArgs(
            name="api-rate-per-ip",
            priority=1,
            action=_too_many(),
            statement=w.WebAclRuleStatementArgs(
                rate_based_statement=w.WebAclRuleStatementRateBasedStatementArgs(
                    limit=rate_limit, aggregate_key_type="IP", scope_down_statement=api_path
                )
            ),
            visibility_config=_visibility("api-rate-per-ip"),
        )
        common_rules = w.WebAclRuleArgs(
            name="aws-common-rules",
            priority=2,
            override_action=w.WebAclRuleOverrideActionArgs(none=w.WebAclRuleOverrideActionNoneArgs()),  # type: ignore[no-untyped-call]
            statement=w.WebAclRuleStatementArgs(
                managed_rule_group_statement=w.WebAclRuleStatementManagedRuleGroupStatementArgs(
                    vendor_name="AWS",
                    name="AWSManagedRulesCommonRuleSet",
                    # Its 8 KB body limit would block long messages the API itself accepts (10 KB).
                    rule_action_overrides=[
                        w.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(
                            name="SizeRestrictions_BODY",
                            action_to_use=w.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
                                count=w.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
                            ),
                        )
                    ],
                )
            ),
            visibility_config=_visibility("aws-common-rules"),
        )
        acl = w.WebAcl(
            name,
            region=EDGE_REGION,
            scope="CLOUDFRONT",
            default_action=w.WebAclDefaultActionArgs(allow=w.WebAclDefaultActionAllowArgs()),
            rules=[
                *([contact_rule(args.contact_rate_limit)] if args.contact_rate_limit else []),
                rate_rule,
                common_rules,
            ],
            visibility_config=w.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = acl.arn
        self.register_outputs({"arn": self.arn})
