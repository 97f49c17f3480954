"""HttpApi: the API Gateway HTTP API, with one function, integration, route and permission per route-table entry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.export_files import export_statements
from components.function import FunctionSizing, HandlerFunction, HandlerFunctionArgs, table_statement
from components.search_index import IndexTableArgs, index_statements
from declarations import cors, web_assets
from declarations.routes import CONTACT_ROUTE_KEY, ROUTES, Route
from handlers import env_names as env
from handlers import index_schema as xs
from handlers.form_schema import KEEP, REFUSE

# One JSON line per request: enough to trace a failure to the function's log by request id.
_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "method": "$context.httpMethod",
        "path": "$context.path",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationError": "$context.integrationErrorMessage",
        "authorizerError": "$context.authorizer.error",
    }
)


@dataclass(frozen=True)
class JwtAuthorizerArgs:
    issuer: pulumi.Input[str]
    audience: pulumi.Input[str]


@dataclass(frozen=True)
class VisitorLimitArgs:
    """The contact function's per-visitor counters: its table, and contactClientLimit and contactClientCeiling."""

    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    limit: int
    ceiling: int


@dataclass(frozen=True)
class ApiDomainArgs:
    """The API's own host name, CloudFront's origin, so API Gateway's default endpoint can be turned off."""

    name: str  # e.g. api.www.example.com
    zone_id: str
    certificate_arn: pulumi.Input[str]  # an issued ACM certificate in the stack's region


@dataclass(frozen=True)
class ExportArgs:
    """The owner's exports (ExportFiles): the bucket the routes read and write records in, and the writer."""

    bucket_name: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    function_name: pulumi.Input[str]
    function_arn: pulumi.Input[str]


@dataclass(frozen=True)
class HttpApiArgs:
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    submission_retention_days: int
    spam_retention_days: int  # spam expires this long after it became spam, if before its retention ends
    sizing: FunctionSizing
    throttle_rate_limit: int
    throttle_burst_limit: int
    contact_rate_limit: int  # POST /api/contact's own steady rate and burst, tighter than the owner's routes
    contact_burst_limit: int
    visitors: VisitorLimitArgs
    exports: ExportArgs
    search_index: IndexTableArgs
    edge_proof_hashes: pulumi.Input[str]  # EdgeSecrets.accepted_hashes: every function refuses other requests
    keep_extra_fields: bool = False  # the contact function stores unknown fields instead of refusing them
    allowed_origins: tuple[str, ...] = ()  # other sites' scripts that may call the API (CORS); () for none
    authorizer: JwtAuthorizerArgs | None = None
    domain: ApiDomainArgs | None = None
    bot_check: str = ""  # the bot check's provider ("turnstile"): the contact function keeps each post's token


def route_environment(route: Route, args: HttpApiArgs) -> dict[str, pulumi.Input[str]]:
    """What a route's function reads from its environment: the edge's accepted hashes, the table for those that
    use it, and the contact route's extra-fields mode, visitor limits and bot check."""
    environment: dict[str, pulumi.Input[str]] = {env.EDGE_PROOF_HASHES: args.edge_proof_hashes}
    if route.table_actions:
        environment.update(
            {
                env.TABLE_NAME: args.table_name,
                env.RETENTION_DAYS: str(args.submission_retention_days),
                env.SPAM_RETENTION_DAYS: str(args.spam_retention_days),
            }
        )
    if route.key == CONTACT_ROUTE_KEY:
        environment[env.EXTRA_FIELDS] = KEEP if args.keep_extra_fields else REFUSE
        environment[env.PAGE_SHELL] = web_assets.page_shell()
        environment.update(
            {
                env.COUNTERS_TABLE: args.visitors.table_name,
                env.VISITOR_LIMIT: str(args.visitors.limit),
                env.VISITOR_CEILING: str(args.visitors.ceiling),
            }
        )
        if args.bot_check:
            environment[env.BOT_CHECK] = args.bot_check
    if route.export_actions:
        environment.update(
            {env.EXPORT_BUCKET: args.exports.bucket_name, env.EXPORT_FUNCTION: args.exports.function_name}
        )
    if route.index_actions:
        environment[xs.INDEX_TABLE] = args.search_index.name
    return environment


def counter_statement(table_arn: str) -> dict[str, Any]:
    """The contact function's one right on the counters: add a post to its visitor's count."""
    return {"Effect": "Allow", "Action": ["dynamodb:UpdateItem"], "Resource": [table_arn]}


def route_resource_name(api_name: str, route: Route) -> str:
    """The logical name of a route's function, integration, route and permission: the API's, then the route's."""
    return f"{api_name}-{route.name}"


class HttpApi(pulumi.ComponentResource):
    endpoint: pulumi.Output[str]  # API Gateway's own URL; refused (domain) or answering 403 (without the secret)
    origin_domain: pulumi.Output[str]  # the host CloudFront reaches the API at
    api_id: pulumi.Output[str]
    function_names: dict[str, pulumi.Output[str]]  # route name -> its function's name (for alarms)

    def __init__(self, name: str, args: HttpApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:HttpApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        api = aws.apigatewayv2.Api(
            name,
            protocol_type="HTTP",
            # API Gateway answers preflights and adds the CORS headers itself; the functions write none.
            cors_configuration=aws.apigatewayv2.ApiCorsConfigurationArgs(
                allow_origins=list(args.allowed_origins),
                allow_methods=list(cors.ALLOW_METHODS),
                allow_headers=list(cors.ALLOW_HEADERS),
                expose_headers=list(cors.EXPOSE_HEADERS),
                max_age=cors.MAX_AGE_SECONDS,
            )
            if args.allowed_origins
            else None,
            # With its own domain, API Gateway's default URL is switched off: only the distribution reaches it.
            disable_execute_api_endpoint=args.domain is not None,
            opts=child,
        )
        authorizer_id: pulumi.Output[str] | None = None
        if args.authorizer is not None:
            authorizer_id = aws.apigatewayv2.Authorizer(
                f"{name}-owners",
                api_id=api.id,
                authorizer_type="JWT",
                identity_sources=["$request.header.Authorization"],
                jwt_configuration=aws.apigatewayv2.AuthorizerJwtConfigurationArgs(
                    issuer=args.authorizer.issuer, audiences=[args.authorizer.audience]
                ),
                opts=child,
            ).id
        self.function_names = {}
        routes = [self._route(name, route, api, authorizer_id, args) for route in ROUTES]

        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs", retention_in_days=args.sizing.log_retention_days, opts=child
        )
        stage = aws.apigatewayv2.Stage(
            name,
            api_id=api.id,
            name="$default",
            auto_deploy=True,
            default_route_settings=aws.apigatewayv2.StageDefaultRouteSettingsArgs(
                throttling_rate_limit=args.throttle_rate_limit,
                throttling_burst_limit=args.throttle_burst_limit,
            ),
            route_settings=[
                aws.apigatewayv2.StageRouteSettingArgs(
                    route_key=CONTACT_ROUTE_KEY,
                    throttling_rate_limit=args.contact_rate_limit,
                    throttling_burst_limit=args.contact_burst_limit,
                )
            ],
            access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn, format=_ACCESS_LOG_FORMAT
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=routes),
        )
        self.endpoint = api.api_endpoint
        self.origin_domain = (
            self._domain(name, args.domain, api, stage)
            if args.domain
            else api.api_endpoint.apply(lambda url: url.removeprefix("https://"))
        )
        self.api_id = api.id
        self.register_outputs({"endpoint": self.endpoint})

    def _domain(
        self, name: str, domain: ApiDomainArgs, api: aws.apigatewayv2.Api, stage: aws.apigatewayv2.Stage
    ) -> pulumi.Output[str]:
        """The API's own host name (a regional endpoint, TLS 1.2), mapped to its stage and aliased in the zone."""
        child = pulumi.ResourceOptions(parent=self)
        custom = aws.apigatewayv2.DomainName(
            name,
            domain_name=domain.name,
            domain_name_configuration=aws.apigatewayv2.DomainNameDomainNameConfigurationArgs(
                certificate_arn=domain.certificate_arn, endpoint_type="REGIONAL", security_policy="TLS_1_2"
            ),
            opts=child,
        )
        aws.apigatewayv2.ApiMapping(
            name,
            api_id=api.id,
            domain_name=custom.id,
            stage=stage.name,
            opts=child,
        )
        target = custom.domain_name_configuration.apply(lambda c: c.target_domain_name or "")
        zone = custom.domain_name_configuration.apply(lambda c: c.hosted_zone_id or "")
        record = aws.route53.Record(
            name,
            zone_id=domain.zone_id,
            name=domain.name,
            type="A",
            aliases=[aws.route53.RecordAliasArgs(name=target, zone_id=zone, evaluate_target_health=False)],
            opts=child,
        )
        return record.fqdn

    def _route(
        self,
        name: str,
        route: Route,
        api: aws.apigatewayv2.Api,
        authorizer_id: pulumi.Output[str] | None,
        args: HttpApiArgs,
    ) -> aws.apigatewayv2.Route:
        """One route's function (with exactly its table actions), integration, route and invoke permission."""
        if route.signed_in and authorizer_id is None:
            raise ValueError(f"route {route.key} needs a signed-in user but the API has no authorizer")
        child = pulumi.ResourceOptions(parent=self)
        logical = route_resource_name(name, route)
        statements: list[pulumi.Input[dict[str, Any]]] = []
        if route.table_actions:
            statements.append(
                pulumi.Output.from_input(args.table_arn).apply(lambda arn: table_statement(route.table_actions, arn))
            )
        if route.key == CONTACT_ROUTE_KEY:
            statements.append(pulumi.Output.from_input(args.visitors.table_arn).apply(counter_statement))
        statements += export_statements(route.export_actions, args.exports.bucket_arn, args.exports.function_arn)
        statements += index_statements(route.index_actions, args.search_index)
        function = HandlerFunction(
            logical,
            HandlerFunctionArgs(
                handler=route.handler,
                sizing=args.sizing,
                statements=statements,
                environment=route_environment(route, args),
            ),
            opts=child,
        )
        self.function_names[route.name] = function.name
        integration = aws.apigatewayv2.Integration(
            logical,
            api_id=api.id,
            integration_type="AWS_PROXY",
            integration_uri=function.invoke_arn,
            payload_format_version="2.0",
            opts=child,
        )
        # Only this API, and only this route, may invoke the function.
        aws.lambda_.Permission(
            logical,
            action="lambda:InvokeFunction",
            function=function.name,
            principal="apigateway.amazonaws.com",
            source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/{route.arn_path}"),
            opts=child,
        )
        return aws.apigatewayv2.Route(
            logical,
            api_id=api.id,
            route_key=route.key,
            target=integration.id.apply(lambda i: f"integrations/{i}"),
            authorization_type="JWT" if route.signed_in else "NONE",
            authorizer_id=authorizer_id if route.signed_in else None,
            opts=child,
        )
