"""EdgeCertificate: a DNS-validated ACM certificate for a host of the custom domain: the site's, in us-east-1 as
CloudFront requires, or the API's own, in the stack's region."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

EDGE_REGION = "us-east-1"  # CloudFront's own region: its certificates and web ACLs live there


@dataclass(frozen=True)
class EdgeCertificateArgs:
    domain: str  # e.g. www.example.com
    zone_id: str  # the Route 53 hosted zone that holds it
    region: str = EDGE_REGION


class EdgeCertificate(pulumi.ComponentResource):
    arn: pulumi.Output[str]  # resolves once the certificate is issued

    def __init__(self, name: str, args: EdgeCertificateArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        domain, zone_id = args.domain, args.zone_id
        super().__init__("ctd:index:EdgeCertificate", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            name, region=args.region, domain_name=domain, validation_method="DNS", opts=child
        )
        option = certificate.domain_validation_options[0]
        record = aws.route53.Record(
            f"{name}-validation",
            zone_id=zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=60,
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            name,
            region=args.region,
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child,
        )
        self.arn = validation.certificate_arn
        self.register_outputs({"arn": self.arn})
