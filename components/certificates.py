"""Certificates: ACM for the load balancer and CloudFront, an internal CA for the pods, API pins.

- CloudFront is the public entry: its certificate (the domain, the static domain and the SANs)
  is made through an explicit us-east-1 provider, since CloudFront reads certificates only from
  there. The internal load balancer's certificate (stack region) names `origin.<domain>`: the
  origin domain name CloudFront sends as SNI and Host, which one of the certificate's names must
  match or CloudFront answers 502 (CloudFront Developer Guide, "HTTP 502 status code: SSL/TLS
  negotiation failure between CloudFront and a custom origin server"). Both are DNS-validated in the hosted zone, so ACM renews them by itself.
- ACM's validation record for a name is the same for `example.com` and `*.example.com` (and
  for every certificate of the account), so one record is made per distinct base name and
  shared by both certificates; two records with one name would fail the second create.
- End-to-end TLS: the ALB re-encrypts to the pods, which present a certificate from an
  internal CA (pulumi-tls). The ALB does not verify target certificates, so a private CA is
  enough; `early_renewal_hours` re-issues it on the first `pulumi up` inside the window.
- Pins: SPKI SHA-256 of the API's serving key and of a backup key (not yet in use), so a
  client that pins both survives one key rotation. Certificates are re-issued on the same
  key, so renewal never breaks a pin; only a key change does, and then the backup takes over.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_tls as tls

from config.edge import EdgeSettings, InternalCaSettings

_PEM_PUBLIC_KEY = re.compile(r"-----BEGIN PUBLIC KEY-----\s*(.+?)\s*-----END PUBLIC KEY-----", re.DOTALL)
CA_USES = ("cert_signing", "crl_signing", "digital_signature")
SERVER_USES = ("digital_signature", "key_encipherment", "server_auth")


def spki_sha256_pin(public_key_pem: str) -> str:
    """The base64 SHA-256 of a key's SubjectPublicKeyInfo (RFC 7469 `pin-sha256`).

    A PEM `PUBLIC KEY` block is the DER SubjectPublicKeyInfo itself (RFC 7468 §13), so its
    decoded body is exactly what clients hash; no ASN.1 parsing is needed.
    """
    match = _PEM_PUBLIC_KEY.search(public_key_pem)
    if match is None:
        raise ValueError("expected a PEM 'PUBLIC KEY' (SubjectPublicKeyInfo) block")
    der = base64.b64decode("".join(match.group(1).split()), validate=True)
    if der[:1] != b"\x30":
        raise ValueError("the PUBLIC KEY block is not a DER SEQUENCE")
    return base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")


def validation_base_names(names: Sequence[str]) -> list[str]:
    """Distinct names ACM validates, in order: `*.x` and `x` share one record."""
    bases: list[str] = []
    for name in names:
        base = name.removeprefix("*.")
        if base not in bases:
            bases.append(base)
    return bases


@dataclass
class CertificatesArgs:
    settings: EdgeSettings
    cdn_domain: str  # the static-assets name CloudFront serves
    us_east_1: aws.Provider  # CloudFront takes certificates from us-east-1 only


class Certificates(pulumi.ComponentResource):
    hosted_zone_id: pulumi.Output[str]
    certificate: aws.acm.Certificate
    cdn_certificate: aws.acm.Certificate
    validation_records: dict[str, aws.route53.Record]
    certificate_arn: pulumi.Output[str]
    cdn_certificate_arn: pulumi.Output[str]
    internal_ca_cert_pem: pulumi.Output[str]
    server_cert_pem: pulumi.Output[str]
    server_private_key_pem: pulumi.Output[str]
    backup_private_key_pem: pulumi.Output[str]
    api_certificate_pins: pulumi.Output[list[str]]

    def __init__(self, name: str, args: CertificatesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:edge:Certificates", name, None, opts)
        settings = args.settings
        self.hosted_zone_id = self._zone_id(settings)
        self._acm_certificates(name, args)
        # Listeners and the distribution take these, so they wait until ACM has issued.
        self.certificate_arn, self.cdn_certificate_arn = self._validation(name, args)
        self._internal_ca(name, settings.domain, settings.internal_ca)
        self.register_outputs(
            {
                "hostedZoneId": self.hosted_zone_id,
                "certificateArn": self.certificate_arn,
                "cdnCertificateArn": self.cdn_certificate_arn,
                "internalCaCertPem": self.internal_ca_cert_pem,
                "serverCertPem": self.server_cert_pem,
                "serverPrivateKeyPem": self.server_private_key_pem,
                "backupPrivateKeyPem": self.backup_private_key_pem,
                "apiCertificatePins": self.api_certificate_pins,
            }
        )

    def _acm_certificates(self, name: str, args: CertificatesArgs) -> None:
        """The load balancer's certificate in the stack's region, the CDN's in us-east-1."""
        settings = args.settings
        self.certificate = aws.acm.Certificate(
            f"{name}-alb",
            domain_name=settings.origin_host,
            validation_method="DNS",
            key_algorithm="RSA_2048",  # what every client, old API clients included, accepts
            options=aws.acm.CertificateOptionsArgs(certificate_transparency_logging_preference="ENABLED"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.cdn_certificate = aws.acm.Certificate(
            f"{name}-cdn",
            domain_name=settings.domain,
            subject_alternative_names=_cdn_names(args)[1:],
            validation_method="DNS",
            key_algorithm="RSA_2048",
            options=aws.acm.CertificateOptionsArgs(certificate_transparency_logging_preference="ENABLED"),
            opts=pulumi.ResourceOptions(parent=self, provider=args.us_east_1),
        )

    def _validation(self, name: str, args: CertificatesArgs) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """DNS validation of both certificates; returns their ARNs once ACM has issued them."""
        child = pulumi.ResourceOptions(parent=self)
        names = [args.settings.origin_host]
        cdn_names = _cdn_names(args)
        # One record per base name, built from whichever certificate asks for it first.
        self.validation_records = {}
        owners = [(self.certificate, names), (self.cdn_certificate, cdn_names)]
        for certificate, cert_names in owners:
            for base in validation_base_names(cert_names):
                if base in self.validation_records:
                    continue
                option = _validation_option(certificate, base)
                self.validation_records[base] = aws.route53.Record(
                    f"{name}-validation-{base}",
                    zone_id=self.hosted_zone_id,
                    name=option["resource_record_name"],
                    type=option["resource_record_type"],
                    records=[option["resource_record_value"]],
                    ttl=300,
                    # The record's value is fixed per name and account: overwriting rewrites the same value
                    # (e.g. after an interrupted create), it never takes another stack's record away.
                    allow_overwrite=True,
                    opts=child,
                )
        validated = aws.acm.CertificateValidation(
            f"{name}-alb",
            certificate_arn=self.certificate.arn,
            validation_record_fqdns=[self.validation_records[b].fqdn for b in validation_base_names(names)],
            opts=child,
        )
        cdn_validated = aws.acm.CertificateValidation(
            f"{name}-cdn",
            certificate_arn=self.cdn_certificate.arn,
            validation_record_fqdns=[self.validation_records[b].fqdn for b in validation_base_names(cdn_names)],
            opts=pulumi.ResourceOptions(parent=self, provider=args.us_east_1),
        )
        return validated.certificate_arn, cdn_validated.certificate_arn

    def _zone_id(self, settings: EdgeSettings) -> pulumi.Output[str]:
        if settings.hosted_zone_id is not None:
            return pulumi.Output.from_input(settings.hosted_zone_id)
        zone = aws.route53.get_zone_output(name=settings.hosted_zone_name, private_zone=False, opts=pulumi.InvokeOptions(parent=self))
        return zone.zone_id

    def _private_key(self, name: str, ca: InternalCaSettings) -> tls.PrivateKey:
        if ca.algorithm == "RSA":
            return tls.PrivateKey(name, algorithm="RSA", rsa_bits=ca.rsa_bits, opts=pulumi.ResourceOptions(parent=self))
        return tls.PrivateKey(name, algorithm="ECDSA", ecdsa_curve="P256", opts=pulumi.ResourceOptions(parent=self))

    def _internal_ca(self, name: str, domain: str, ca: InternalCaSettings) -> None:
        child = pulumi.ResourceOptions(parent=self)
        ca_key = self._private_key(f"{name}-ca-key", ca)
        ca_cert = tls.SelfSignedCert(
            f"{name}-ca",
            private_key_pem=ca_key.private_key_pem,
            is_ca_certificate=True,
            subject=tls.SelfSignedCertSubjectArgs(common_name=f"{domain} internal CA", organization="email-platform"),
            validity_period_hours=ca.ca_validity_hours,
            # Re-issue the CA while it can still outlive a whole server certificate.
            early_renewal_hours=ca.cert_validity_hours + ca.early_renewal_hours,
            allowed_uses=list(CA_USES),
            opts=child,
        )
        server_key = self._private_key(f"{name}-api-key", ca)
        # Generated now, used at the next key rotation: clients pin it in advance.
        backup_key = self._private_key(f"{name}-api-backup-key", ca)
        request = tls.CertRequest(
            f"{name}-api",
            private_key_pem=server_key.private_key_pem,
            subject=tls.CertRequestSubjectArgs(common_name=domain, organization="email-platform"),
            dns_names=[domain, *ca.server_dns_names],
            opts=child,
        )
        server_cert = tls.LocallySignedCert(
            f"{name}-api",
            cert_request_pem=request.cert_request_pem,
            ca_private_key_pem=ca_key.private_key_pem,
            ca_cert_pem=ca_cert.cert_pem,
            validity_period_hours=ca.cert_validity_hours,
            early_renewal_hours=ca.early_renewal_hours,
            allowed_uses=list(SERVER_USES),
            opts=child,
        )
        self.internal_ca_cert_pem = ca_cert.cert_pem
        self.server_cert_pem = server_cert.cert_pem
        self.server_private_key_pem = pulumi.Output.secret(server_key.private_key_pem)
        self.backup_private_key_pem = pulumi.Output.secret(backup_key.private_key_pem)
        self.api_certificate_pins = pulumi.Output.all(server_key.public_key_pem, backup_key.public_key_pem).apply(
            lambda pems: [spki_sha256_pin(pem) for pem in pems]
        )


def _cdn_names(args: CertificatesArgs) -> list[str]:
    """What CloudFront serves: the domain (API, webhooks), the static domain, and the configured SANs."""
    names = [args.settings.domain, args.cdn_domain]
    return names + [n for n in args.settings.subject_alternative_names if n not in names]


def _validation_option(certificate: aws.acm.Certificate, base: str) -> dict[str, pulumi.Output[str]]:
    """The record ACM asks for to validate `base` (found under `base` or `*.base`)."""

    def pick(options: Sequence[Any]) -> Any:
        for option in options:
            if option.domain_name in (base, f"*.{base}"):
                return option
        raise ValueError(f"ACM returned no validation option for {base}")

    chosen = certificate.domain_validation_options.apply(pick)
    return {
        "resource_record_name": chosen.apply(lambda o: str(o.resource_record_name)),
        "resource_record_type": chosen.apply(lambda o: str(o.resource_record_type)),
        "resource_record_value": chosen.apply(lambda o: str(o.resource_record_value)),
    }
