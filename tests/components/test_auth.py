"""The owners' Cognito pool, the dashboard client, and the JWT authorizer on exactly the signed-in routes."""

from __future__ import annotations

from declarations import owner_pool_spec as spec
from declarations import web_assets
from declarations.routes import ROUTES
from tests.support.mocked_program import Program


def test_pool_admits_only_admin_created_owners_with_strong_passwords(program: Program) -> None:
    pool = program.one("aws:cognito/userPool:UserPool").inputs
    assert pool["adminCreateUserConfig"] == {"allowAdminCreateUserOnly": True}
    assert pool["usernameAttributes"] == ["email"]
    policy = pool["passwordPolicy"]
    assert policy["minimumLength"] >= 12
    assert all(policy[k] for k in ("requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"))
    assert pool["mfaConfiguration"] == "OPTIONAL"


def test_dashboard_client_has_no_secret_and_only_password_and_refresh_flows(program: Program) -> None:
    client = program.one("aws:cognito/userPoolClient:UserPoolClient").inputs
    assert client["generateSecret"] is False
    assert sorted(client["explicitAuthFlows"]) == sorted(spec.AUTH_FLOWS)
    assert client["preventUserExistenceErrors"] == "ENABLED"


def test_authorizer_guards_exactly_the_signed_in_routes(program: Program) -> None:
    authorizer = program.one("aws:apigatewayv2/authorizer:Authorizer")
    pool = program.one("aws:cognito/userPool:UserPool")
    client = program.one("aws:cognito/userPoolClient:UserPoolClient")
    jwt = authorizer.inputs["jwtConfiguration"]
    assert jwt["issuer"] == f"https://cognito-idp.eu-west-1.amazonaws.com/{pool.resource_id}"
    assert jwt["audiences"] == [f"{client.name}-id"]
    routes = {r.inputs["routeKey"]: r.inputs for r in program.of_type("aws:apigatewayv2/route:Route")}
    assert any(r.signed_in for r in ROUTES) and any(not r.signed_in for r in ROUTES)
    for route in ROUTES:
        declared = routes[route.key]
        if route.signed_in:
            assert declared["authorizationType"] == "JWT"
            assert declared["authorizerId"] == f"{authorizer.name}-id", route.key
        else:
            assert declared["authorizationType"] == "NONE" and "authorizerId" not in declared, route.key


def test_pages_get_the_pool_and_client_and_may_call_cognito(program: Program) -> None:
    config_js = next(
        o for o in program.of_type("aws:s3/bucketObjectv2:BucketObjectv2") if o.inputs["key"] == "config.js"
    )
    values = web_assets.read_config_js(config_js.inputs["content"])
    pool = program.one("aws:cognito/userPool:UserPool")
    assert values["userPoolId"] == pool.resource_id
    assert values["cognitoEndpoint"] == "https://cognito-idp.eu-west-1.amazonaws.com/"
    headers = program.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs
    csp = headers["securityHeadersConfig"]["contentSecurityPolicy"]["contentSecurityPolicy"]
    assert "connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com/" in csp


def test_prod_pool_is_protected_and_dev_pool_is_not(program: Program) -> None:
    pool = program.one("aws:cognito/userPool:UserPool")
    protected = program.one("aws:dynamodb/table:Table", "submissions").inputs["deletionProtectionEnabled"]
    assert (pool.inputs["deletionProtection"] == "ACTIVE") is protected
    assert (pool.name in program.protected) is protected
    assert program.of_type("aws:cognito/user:User") == [], "no owner unless configured"


def test_configured_owners_are_created(everything: Program) -> None:
    (user,) = everything.of_type("aws:cognito/user:User")
    assert user.inputs["username"] == "owner@example.com"
    assert user.inputs["desiredDeliveryMediums"] == ["EMAIL"]
