"""Certificates: DNS-validated ACM (one record per name), us-east-1 for CloudFront, internal CA, pins."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pulumi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from owned_stacks import PRODUCTION
from run_lookup import one, region_of

from components.certificates import Certificates, CertificatesArgs, spki_sha256_pin, validation_base_names
from config.edge import parse_edge
from config.reader import Section
from preflight.recorder import RecordingMonitor
from preflight.runner import Run


def _independent_pin(public_pem: str) -> str:
    key = serialization.load_pem_public_key(public_pem.encode())
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


CERT = "aws:acm/certificate:Certificate"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"


def _records(run: Run) -> list[Any]:
    return [r for r in run.of_type("aws:route53/record:Record") if r.name.startswith("certificates-validation-")]


def test_apex_and_wildcard_share_one_validation_record(production: Run) -> None:
    cdn_cert = one(production, CERT, "certificates-cdn")
    options = [o for o in cdn_cert.outputs["domainValidationOptions"] if o["domainName"] in ("mail.example.com", "*.mail.example.com")]
    assert len(options) == 2 and len({o["resourceRecordName"] for o in options}) == 1, "ACM asks for one record for x and *.x"
    records = _records(production)
    assert len({r.inputs["name"] for r in records}) == len(records) == 3  # the domain (and *.), the static and the origin name
    (record,) = [r for r in records if r.inputs["name"] == options[0]["resourceRecordName"]]
    assert record.inputs["type"] == "CNAME"
    assert record.inputs["records"] == [options[0]["resourceRecordValue"]]
    # The zone looked up by name (edge.hostedZone), the same one the ALB's alias goes into.
    (alias,) = [
        r for r in production.of_type("aws:route53/record:Record") if r.inputs.get("type") == "A" and r.inputs["name"] == "mail.example.com"
    ]
    assert record.inputs["zoneId"] == alias.inputs["zoneId"]
    assert record.inputs["zoneId"].startswith("Z")


def test_each_validation_waits_for_its_own_records(production: Run) -> None:
    fqdns = {r.inputs["name"].rstrip("."): r for r in _records(production)}
    validations = {v.name: v for v in production.of_type(VALIDATION)}
    for name in ("certificates-alb", "certificates-cdn"):
        certificate = one(production, CERT, name)
        wanted = {o["resourceRecordName"].rstrip(".") for o in certificate.outputs["domainValidationOptions"]}
        assert validations[name].inputs["certificateArn"] == certificate.outputs["arn"]
        assert set(validations[name].inputs["validationRecordFqdns"]) == wanted
        assert wanted <= set(fqdns)


def test_both_certificates_are_dns_validated_with_transparency_logging(each_stack: Run) -> None:
    for certificate in each_stack.of_type(CERT):
        assert certificate.inputs["validationMethod"] == "DNS"  # ACM renews DNS-validated certificates by itself
        assert certificate.inputs["options"]["certificateTransparencyLoggingPreference"] == "ENABLED"


def test_the_cloudfront_certificate_is_made_in_us_east_1(each_stack: Run) -> None:
    cdn_cert = one(each_stack, CERT, "certificates-cdn")
    alb_cert = one(each_stack, CERT, "certificates-alb")
    assert region_of(each_stack, cdn_cert) == "us-east-1"
    assert region_of(each_stack, alb_cert) == each_stack.stack_file.region
    domain = "mail.example.com" if each_stack.stack == "production" else "staging.mail.example.com"
    # CloudFront serves the domain (API, webhooks) and the static domain: its certificate covers both.
    assert [cdn_cert.inputs["domainName"], *cdn_cert.inputs["subjectAlternativeNames"]] == [domain, f"static.{domain}", f"*.{domain}"]
    # The internal load balancer's certificate names only what CloudFront connects under.
    assert (alb_cert.inputs["domainName"], alb_cert.inputs.get("subjectAlternativeNames")) == (f"origin.{domain}", None)
    validation = one(each_stack, VALIDATION, "certificates-cdn")
    assert region_of(each_stack, validation) == "us-east-1"


def test_validation_base_names_fold_wildcards() -> None:
    assert validation_base_names(["a.com", "*.a.com", "b.a.com", "*.b.a.com"]) == ["a.com", "b.a.com"]


def test_pins_are_the_spki_sha256_of_the_api_key_and_its_backup(production: Run) -> None:
    keys = {k.name: k for k in production.of_type("tls:index/privateKey:PrivateKey")}
    expected = [_independent_pin(keys[n].outputs["publicKeyPem"]) for n in ("certificates-api-key", "certificates-api-backup-key")]
    assert production.outputs["apiCertificatePins"] == expected
    assert len(set(expected)) == 2
    assert all(len(base64.b64decode(pin)) == 32 for pin in expected)


def test_the_pin_function_matches_cryptography_for_rsa_and_ec() -> None:
    for key in (rsa.generate_private_key(public_exponent=65537, key_size=2048), ec.generate_private_key(ec.SECP256R1())):
        pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        assert spki_sha256_pin(pem) == _independent_pin(pem)
    with pytest.raises(ValueError, match="PUBLIC KEY"):
        spki_sha256_pin("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")


def test_the_server_certificate_chains_to_the_internal_ca(production: Run) -> None:
    ca = x509.load_pem_x509_certificate(production.outputs["internalCaCertPem"].encode())
    leaf_resource = next(r for r in production.of_type("tls:index/locallySignedCert:LocallySignedCert"))
    leaf = x509.load_pem_x509_certificate(leaf_resource.outputs["certPem"].encode())
    leaf.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert "mail.example.com" in leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName
    )
    api_key = next(k for k in production.of_type("tls:index/privateKey:PrivateKey") if k.name == "certificates-api-key")
    leaf_public = leaf.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert leaf_public == api_key.outputs["publicKeyPem"], "the pinned key is the key the pods serve"


def test_internal_keys_are_p256_and_certificates_renew_early(production: Run) -> None:
    for key in production.of_type("tls:index/privateKey:PrivateKey"):
        assert (key.inputs["algorithm"], key.inputs["ecdsaCurve"]) == ("ECDSA", "P256")
    (leaf,) = production.of_type("tls:index/locallySignedCert:LocallySignedCert")
    (ca,) = production.of_type("tls:index/selfSignedCert:SelfSignedCert")
    assert 0 < leaf.inputs["earlyRenewalHours"] < leaf.inputs["validityPeriodHours"]
    assert ca.inputs["earlyRenewalHours"] > leaf.inputs["validityPeriodHours"], "the CA outlives every leaf it signs"
    assert set(leaf.inputs["allowedUses"]) == {"digital_signature", "key_encipherment", "server_auth"}
    assert ca.inputs["isCaCertificate"] is True
    assert leaf.inputs["caPrivateKeyPem"] == "[secret]"


@pulumi.runtime.test
def test_rsa_keys_and_secret_private_key(pulumi_mocks: RecordingMonitor) -> Any:
    settings = parse_edge(
        Section(
            "email-platform:edge",
            {"hostedZone": "example.com", "hostedZoneId": "Z0EXAMPLE", "internalCa": {"algorithm": "RSA", "rsaBits": 3072}},
        ),
        PRODUCTION,
    )
    provider = pulumi.ProviderResource("aws", "aws-us-east-1", {"region": "us-east-1"})
    certificates = Certificates("certs", CertificatesArgs(settings, cdn_domain="static.mail.example.com", us_east_1=provider))  # type: ignore[arg-type]

    def check(values: list[Any]) -> None:
        pins, is_secret = values
        assert len(pins) == 2
        assert is_secret is True
        keys = [r for r in pulumi_mocks.recorded if r.type == "tls:index/privateKey:PrivateKey"]
        assert {(k.inputs["algorithm"], k.inputs["rsaBits"]) for k in keys} == {("RSA", 3072)}
        assert sorted(certificates.validation_records) == ["mail.example.com", "origin.mail.example.com", "static.mail.example.com"]

    return pulumi.Output.all(
        certificates.api_certificate_pins, pulumi.Output.from_input(certificates.server_private_key_pem.is_secret())
    ).apply(check)


@pulumi.runtime.test
def test_without_an_id_the_zone_is_looked_up_by_name() -> Any:
    settings = parse_edge(Section("email-platform:edge", {"hostedZone": "example.com"}), PRODUCTION)
    provider = pulumi.ProviderResource("aws", "aws-us-east-1", {"region": "us-east-1"})
    certificates = Certificates("certs", CertificatesArgs(settings, cdn_domain="static.mail.example.com", us_east_1=provider))  # type: ignore[arg-type]

    def check(zone_id: str) -> None:
        assert zone_id.startswith("Z") and len(zone_id) == 21

    return certificates.hosted_zone_id.apply(check)
