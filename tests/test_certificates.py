"""Certificates: DNS-validated ACM (one record per name), us-east-1 for CloudFront, internal CA, pins.

The component is built alone (tests/component_build.py) from an edge section written here; the
expected names come from that input. What the mocks compute (ACM's validation records, the keys)
is only passed along: the tests check that the program wires it where it belongs.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from component_build import Built, build
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from components.certificates import Certificates, CertificatesArgs, spki_sha256_pin, validation_base_names
from config.basics import Basics, Tags
from config.edge import EdgeSettings, parse_edge
from config.reader import Section
from preflight.recorder import RecordedResource, RecordingMonitor
from preflight.runner import Run

CERT = "aws:acm/certificate:Certificate"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
RECORD = "aws:route53/record:Record"
KEY = "tls:index/privateKey:PrivateKey"
LEAF = "tls:index/locallySignedCert:LocallySignedCert"
CA = "tls:index/selfSignedCert:SelfSignedCert"
REQUEST = "tls:index/certRequest:CertRequest"

DOMAIN = "mail.shop.test"
ZONE = "shop.test"
STATIC = f"cdn.{DOMAIN}"
EAST = "aws-us-east-1"


def _settings(**edge: Any) -> EdgeSettings:
    basics = Basics("production", "eu-west-1", DOMAIN, Tags("owner", "centre", {}))
    return parse_edge(Section("email-platform:edge", {"hostedZone": ZONE, **edge}), basics)


def _build(monitor: RecordingMonitor, settings: EdgeSettings, exposed: dict[str, Any] | None = None) -> Built:
    """Certificates in eu-west-1 with CloudFront's us-east-1 provider; `exposed` gets the component's outputs."""

    def program() -> None:
        east = aws.Provider(EAST, region="us-east-1")
        certificates = Certificates("certificates", CertificatesArgs(settings, cdn_domain=STATIC, us_east_1=east))
        if exposed is not None:
            outputs = {
                "hosted_zone_id": certificates.hosted_zone_id,
                "pins": certificates.api_certificate_pins,
                "server_cert_pem": certificates.server_cert_pem,
                "ca_cert_pem": certificates.internal_ca_cert_pem,
                "key_is_secret": pulumi.Output.from_input(certificates.server_private_key_pem.is_secret()),
            }
            pulumi.Output.all(**outputs).apply(exposed.update)

    return build(monitor, program)


@pytest.fixture(scope="module")
def built(module_mocks: RecordingMonitor) -> Built:
    return _build(module_mocks, _settings(subjectAlternativeNames=[f"*.{DOMAIN}"]))


@pytest.fixture(scope="module")
def exposed(module_mocks: RecordingMonitor) -> tuple[Built, dict[str, Any]]:
    values: dict[str, Any] = {}
    made = _build(module_mocks, _settings(hostedZoneId="Z0123456789ABCDEFGHIJ"), values)
    return made, values


def _one(built: Built, type_token: str, name: str) -> RecordedResource:
    return built.one(type_token, name)


def _is_east(resource: RecordedResource) -> bool:
    return f"::{EAST}::" in (resource.provider or "")


def test_each_name_acm_validates_gets_one_record_from_its_certificates_own_options(built: Built) -> None:
    """ACM validates `x` and `*.x` with one record: the program makes one record per base name, from
    the domainValidationOptions of the certificate that asks for it first."""
    made = built
    alb, cdn = _one(made, CERT, "certificates-alb"), _one(made, CERT, "certificates-cdn")
    asked = {"certificates-alb": [f"origin.{DOMAIN}"], "certificates-cdn": [DOMAIN, STATIC, f"*.{DOMAIN}"]}
    bases = validation_base_names([*asked["certificates-alb"], *asked["certificates-cdn"]])
    records = {r.name.removeprefix("certificates-validation-"): r for r in made.of_type(RECORD)}
    assert sorted(records) == sorted(bases) == sorted([f"origin.{DOMAIN}", DOMAIN, STATIC])
    for base, record in records.items():
        owner = alb if base in asked["certificates-alb"] else cdn
        (option, *_) = [o for o in owner.outputs["domainValidationOptions"] if o["domainName"] in (base, f"*.{base}")]
        assert (record.inputs["name"], record.inputs["type"], record.inputs["records"]) == (
            option["resourceRecordName"],
            option["resourceRecordType"],
            [option["resourceRecordValue"]],
        )
        assert owner.urn in record.dependencies


def test_each_validation_waits_for_its_own_records(built: Built) -> None:
    made = built
    fqdns = {r.outputs["fqdn"]: r for r in made.of_type(RECORD)}
    for name in ("certificates-alb", "certificates-cdn"):
        certificate, validation = _one(made, CERT, name), _one(made, VALIDATION, name)
        wanted = {o["resourceRecordName"].rstrip(".") for o in certificate.outputs["domainValidationOptions"]}
        assert validation.inputs["certificateArn"] == certificate.outputs["arn"]
        assert set(validation.inputs["validationRecordFqdns"]) == wanted
        assert {fqdns[f].urn for f in wanted} <= set(validation.dependencies)


def test_both_certificates_are_dns_validated_with_transparency_logging(built: Built) -> None:
    made = built
    for certificate in made.of_type(CERT):
        assert certificate.inputs["validationMethod"] == "DNS"  # ACM renews DNS-validated certificates by itself
        assert certificate.inputs["options"]["certificateTransparencyLoggingPreference"] == "ENABLED"


def test_the_cloudfront_certificate_is_made_in_us_east_1(built: Built) -> None:
    made = built
    cdn, alb = _one(made, CERT, "certificates-cdn"), _one(made, CERT, "certificates-alb")
    assert _is_east(cdn) and _is_east(_one(made, VALIDATION, "certificates-cdn"))
    assert not _is_east(alb) and not _is_east(_one(made, VALIDATION, "certificates-alb"))  # the stack's own region
    # CloudFront serves the domain (API, webhooks) and the static domain: its certificate covers both.
    assert [cdn.inputs["domainName"], *cdn.inputs["subjectAlternativeNames"]] == [DOMAIN, STATIC, f"*.{DOMAIN}"]
    # The internal load balancer's certificate names only what CloudFront connects under.
    assert (alb.inputs["domainName"], alb.inputs.get("subjectAlternativeNames")) == (f"origin.{DOMAIN}", None)


def test_validation_base_names_fold_wildcards() -> None:
    assert validation_base_names(["a.com", "*.a.com", "b.a.com", "*.b.a.com"]) == ["a.com", "b.a.com"]


def test_a_given_zone_id_is_used_without_a_lookup(exposed: tuple[Built, dict[str, Any]]) -> None:
    made, values = exposed
    assert values["hosted_zone_id"] == "Z0123456789ABCDEFGHIJ"
    assert {r.inputs["zoneId"] for r in made.of_type(RECORD)} == {"Z0123456789ABCDEFGHIJ"}


def test_without_an_id_the_zone_is_looked_up_by_name(pulumi_mocks: RecordingMonitor) -> None:
    """The records go into the public zone found by edge.hostedZone, the zone the component hands on (the CDN's aliases)."""
    looked_up: list[dict[str, Any]] = []
    invoke = pulumi_mocks.Invoke

    def recording(request: Any) -> Any:
        looked_up.append({"token": request.tok, **dict(request.args)})
        return invoke(request)

    pulumi_mocks.Invoke = recording  # type: ignore[method-assign]
    values: dict[str, Any] = {}
    made = _build(pulumi_mocks, _settings(), values)
    (lookup,) = [call for call in looked_up if call["token"] == "aws:route53/getZone:getZone"]
    assert (lookup["name"], lookup["privateZone"]) == (ZONE, False)
    assert {r.inputs["zoneId"] for r in made.of_type(RECORD)} == {values["hosted_zone_id"]}


def _independent_pin(public_pem: str) -> str:
    key = serialization.load_pem_public_key(public_pem.encode())
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def test_pins_are_the_spki_sha256_of_the_api_key_and_its_backup(exposed: tuple[Built, dict[str, Any]]) -> None:
    made, values = exposed
    keys = {k.name: k for k in made.of_type(KEY)}
    expected = [_independent_pin(keys[n].outputs["publicKeyPem"]) for n in ("certificates-api-key", "certificates-api-backup-key")]
    assert values["pins"] == expected
    assert len(set(expected)) == 2


def test_the_pin_function_matches_cryptography_for_rsa_and_ec() -> None:
    for key in (rsa.generate_private_key(public_exponent=65537, key_size=2048), ec.generate_private_key(ec.SECP256R1())):
        pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        assert spki_sha256_pin(pem) == _independent_pin(pem)
    with pytest.raises(ValueError, match="PUBLIC KEY"):
        spki_sha256_pin("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")


def test_the_server_certificate_is_signed_by_the_ca_the_program_made(exposed: tuple[Built, dict[str, Any]]) -> None:
    """The leaf is signed with the internal CA's key and certificate, for a request made with the
    pinned key, naming the domain; the component hands on exactly that leaf and that CA."""
    made, values = exposed
    (ca,), (leaf,), (request,) = made.of_type(CA), made.of_type(LEAF), made.of_type(REQUEST)
    keys = {k.name: k for k in made.of_type(KEY)}
    ca_key, api_key = keys["certificates-ca-key"], keys["certificates-api-key"]
    assert leaf.inputs["caCertPem"] == ca.outputs["certPem"] and ca.urn in leaf.dependencies
    assert leaf.inputs["caPrivateKeyPem"] == "[secret]" and ca_key.urn in leaf.dependencies
    assert ca_key.urn in ca.dependencies and ca.inputs["isCaCertificate"] is True
    assert leaf.inputs["certRequestPem"] == request.outputs["certRequestPem"] and request.urn in leaf.dependencies
    assert api_key.urn in request.dependencies, "the request is made with the key whose pin clients hold"
    assert request.inputs["dnsNames"] == [DOMAIN]
    assert (values["server_cert_pem"], values["ca_cert_pem"]) == (leaf.outputs["certPem"], ca.outputs["certPem"])
    assert values["key_is_secret"] is True


def test_internal_keys_are_p256_and_certificates_renew_early(exposed: tuple[Built, dict[str, Any]]) -> None:
    made, _ = exposed
    for key in made.of_type(KEY):
        assert (key.inputs["algorithm"], key.inputs["ecdsaCurve"]) == ("ECDSA", "P256")
    (leaf,), (ca,) = made.of_type(LEAF), made.of_type(CA)
    assert 0 < leaf.inputs["earlyRenewalHours"] < leaf.inputs["validityPeriodHours"]
    assert ca.inputs["earlyRenewalHours"] > leaf.inputs["validityPeriodHours"], "the CA outlives every leaf it signs"
    assert set(leaf.inputs["allowedUses"]) == {"digital_signature", "key_encipherment", "server_auth"}


def test_rsa_keys_when_the_stack_asks_for_rsa(pulumi_mocks: RecordingMonitor) -> None:
    made = _build(pulumi_mocks, _settings(hostedZoneId="Z0123456789ABCDEFGHIJ", internalCa={"algorithm": "RSA", "rsaBits": 3072}))
    assert {(k.inputs["algorithm"], k.inputs["rsaBits"]) for k in made.of_type(KEY)} == {("RSA", 3072)}


def test_the_whole_stack_exports_the_pins_and_the_ca(production: Run) -> None:
    keys = {k.name: k for k in production.of_type(KEY)}
    pins = [_independent_pin(keys[n].outputs["publicKeyPem"]) for n in ("certificates-api-key", "certificates-api-backup-key")]
    assert production.outputs["apiCertificatePins"] == pins
    (ca,) = production.of_type(CA)
    assert production.outputs["internalCaCertPem"] == ca.outputs["certPem"]
