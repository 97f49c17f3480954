"""HttpApi: the API Gateway HTTP API, with one function, integration, route and permission per route-table entry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.function import FunctionSizing, HandlerFunction, HandlerFunctionArgs
from declarations import cors, web_assets
from declarations.routes import CONTACT_ROUTE_KEY, ROUTES, Route
from handlers import env_names as env
from handlers import table_schema as ts
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
class HttpApiArgs:
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    submission_retention_days: int
    sizing: FunctionSizing
    throttle_rate_limit: int
    throttle_burst_limit: int
    contact_rate_limit: int  # POST /api/contact's own steady rate and burst, tighter than the owner's routes
    contact_burst_limit: int
    keep_extra_fields: bool = False  # the contact function stores unknown fields instead of refusing them
    allowed_origins: tuple[str, ...] = ()  # other sites' scripts that may call the API (CORS); () for none
    authorizer: JwtAuthorizerArgs | None = None


def table_statement(route: Route, table_arn: str) -> dict[str, Any]:
    """The route's table actions on the table, plus its indexes when it queries them."""
    resources = [table_arn]
    if "dynamodb:Query" in route.table_actions:
        resources += [f"{table_arn}/index/{index}" for index in ts.INDEXES]
    return {"Effect": "Allow", "Action": list(route.table_actions), "Resource": resources}


def route_environment(route: Route, args: HttpApiArgs) -> dict[str, pulumi.Input[str]]:
    """What a route's function reads from its environment: the table for those that use it, and the contact
    route's extra-fields mode."""
    environment: dict[str, pulumi.Input[str]] = {}
    if route.table_actions:
        environment.update({env.TABLE_NAME: args.table_name, env.RETENTION_DAYS: str(args.submission_retention_days)})
    if route.key == CONTACT_ROUTE_KEY:
        environment[env.EXTRA_FIELDS] = KEEP if args.keep_extra_fields else REFUSE
        environment[env.PAGE_SHELL] = web_assets.page_shell()
    return environment


def route_resource_name(api_name: str, route: Route) -> str:
    """The logical name of a route's function, integration, route and permission: the API's, then the route's."""
    return f"{api_name}-{route.name}"


class HttpApi(pulumi.ComponentResource):
    endpoint: pulumi.Output[str]
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
        aws.apigatewayv2.Stage(
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
        self.api_id = api.id
        self.register_outputs({"endpoint": self.endpoint})

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
            statements.append(pulumi.Output.from_input(args.table_arn).apply(lambda arn: table_statement(route, arn)))
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
