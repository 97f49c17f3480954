"""OwnerAuth: the Cognito user pool the site owners sign in with, and the dashboard's app client."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from declarations import owner_pool_spec as spec


@dataclass(frozen=True)
class OwnerAuthArgs:
    region: str
    owner_emails: tuple[str, ...]
    mfa: str  # OFF, OPTIONAL or ON
    protect_data: bool
    # Invitations and password resets through the mail domain's SES identity (past Cognito's default
    # sender's daily limit, from the business's own name); None keeps Cognito's default sender.
    email: OwnerEmailArgs | None = None


@dataclass(frozen=True)
class OwnerEmailArgs:
    identity_arn: pulumi.Input[str]
    from_address: pulumi.Input[str]
    configuration_set_name: pulumi.Input[str]


class OwnerAuth(pulumi.ComponentResource):
    pool_id: pulumi.Output[str]
    client_id: pulumi.Output[str]
    issuer: pulumi.Output[str]

    def __init__(self, name: str, args: OwnerAuthArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ctd:index:OwnerAuth", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        pool = aws.cognito.UserPool(
            name,
            # No self sign-up: only the stack (or an admin with the AWS CLI) creates owners.
            admin_create_user_config=aws.cognito.UserPoolAdminCreateUserConfigArgs(allow_admin_create_user_only=True),
            username_attributes=spec.USERNAME_ATTRIBUTES,
            auto_verified_attributes=["email"],
            password_policy=aws.cognito.UserPoolPasswordPolicyArgs(**spec.PASSWORD_POLICY),
            mfa_configuration=args.mfa,
            software_token_mfa_configuration=aws.cognito.UserPoolSoftwareTokenMfaConfigurationArgs(enabled=True)
            if args.mfa != "OFF"
            else None,
            account_recovery_setting=aws.cognito.UserPoolAccountRecoverySettingArgs(
                recovery_mechanisms=[
                    aws.cognito.UserPoolAccountRecoverySettingRecoveryMechanismArgs(name="verified_email", priority=1)
                ]
            ),
            deletion_protection="ACTIVE" if args.protect_data else "INACTIVE",
            email_configuration=aws.cognito.UserPoolEmailConfigurationArgs(
                email_sending_account="DEVELOPER",
                source_arn=args.email.identity_arn,
                from_email_address=args.email.from_address,
                configuration_set=args.email.configuration_set_name,
            )
            if args.email
            else None,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect_data),
        )
        client = aws.cognito.UserPoolClient(
            f"{name}-dashboard",
            user_pool_id=pool.id,
            # A browser cannot keep a secret, so the client has none; the flows are the page's only ones.
            generate_secret=False,
            explicit_auth_flows=spec.AUTH_FLOWS,
            prevent_user_existence_errors="ENABLED",
            access_token_validity=spec.ACCESS_TOKEN_MINUTES,
            id_token_validity=spec.ACCESS_TOKEN_MINUTES,
            refresh_token_validity=spec.REFRESH_TOKEN_DAYS,
            token_validity_units=aws.cognito.UserPoolClientTokenValidityUnitsArgs(**spec.TOKEN_VALIDITY_UNITS),
            enable_token_revocation=True,
            opts=child,
        )
        for email in args.owner_emails:
            aws.cognito.User(
                f"{name}-owner-{email}",
                user_pool_id=pool.id,
                username=email,
                attributes={"email": email, "email_verified": "true"},
                desired_delivery_mediums=["EMAIL"],
                opts=child,
            )
        self.pool_id = pool.id
        self.client_id = client.id
        self.issuer = pool.id.apply(lambda pool_id: f"https://cognito-idp.{args.region}.amazonaws.com/{pool_id}")
        self.register_outputs({"pool_id": self.pool_id, "client_id": self.client_id})
