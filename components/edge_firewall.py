"""EdgeFirewall: AWS WAF on the distribution, a per-IP rate limit on /api/* (429) and AWS's common rules."""

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


class EdgeFirewall(pulumi.ComponentResource):
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: EdgeFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        rate_limit = args.rate_limit
        super().__init__("ctd:index:EdgeFirewall", name, None, opts)
        api_path = w.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs(
            byte_match_statement=w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementArgs(
                positional_constraint="STARTS_WITH",
                search_string="/api/",
                field_to_match=w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchArgs(
                    uri_path=w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchUriPathArgs()  # type: ignore[no-untyped-call]  # an empty Args class
                ),
                text_transformations=[
                    w.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementTextTransformationArgs(
                        priority=0, type="NONE"
                    )
                ],
            )
        )
        rate_rule = w.WebAclRuleArgs(
            name="api-rate-per-ip",
            priority=0,
            action=w.WebAclRuleActionArgs(
                block=w.WebAclRuleActionBlockArgs(
                    custom_response=w.WebAclRuleActionBlockCustomResponseArgs(response_code=429)
                )
            ),
            statement=w.WebAclRuleStatementArgs(
                rate_based_statement=w.WebAclRuleStatementRateBasedStatementArgs(
                    limit=rate_limit, aggregate_key_type="IP", scope_down_statement=api_path
                )
            ),
            visibility_config=_visibility("api-rate-per-ip"),
        )
        common_rules = w.WebAclRuleArgs(
            name="aws-common-rules",
            priority=1,
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
            rules=[rate_rule, common_rules],
            visibility_config=w.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = acl.arn
        self.register_outputs({"arn": self.arn})
