"""The email-platform guardrails: every security and reliability line of REQUIREMENTS.md as a policy.

Each policy is a plain function over what the engine sees of a resource (its type and its camelCase
input properties) that returns human-readable messages, one per problem. The same functions run in
two places:

* `pulumi preview --policy-pack policy`: `policy/__main__.py` builds the `PolicyPack` from
  `ALL_POLICIES` (CrossGuard `ResourceValidationPolicy` / `StackValidationPolicy` wrappers);
* `python -m preflight check DOC.json`: over the resources of a plan document or of
  `pulumi preview --json`, with no engine and no CLI (see `preflight/check_command.py`).

Values a policy cannot see never trip it: a secret (`"[secret]"`) or a value unknown during preview
counts as present and compliant, because the real value is decided by code the tests cover.

This module imports nothing from the program and builds no `PolicyPack` (building one starts a
gRPC server and blocks), so tests and the preflight tools import it freely.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

# ---------------------------------------------------------------------------------------------
# Seeing values: unknowns, secrets, engine proxies
# ---------------------------------------------------------------------------------------------


class _Unknown:
    """A value the engine does not know yet (preview). Compliant wherever it appears."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
SECRET = "[secret]"

_UNKNOWN_SENTINELS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)
# How the engine marks a secret inside serialized state (`pulumi preview --json`, stack exports).
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def _raw(container: Any) -> Any:
    """The plain container behind a pulumi_policy unknown-checking proxy (or the container itself)."""
    try:
        return container["__target"]
    except (KeyError, TypeError, IndexError):
        return container


# How preflight's recording mocks write a value they do not know.
_PLAN_UNKNOWN = "[unknown]"


def normalize(value: Any) -> Any:
    """Plain dicts and lists with `UNKNOWN` for unknowns and `"[secret]"` for serialized secrets.

    The engine hands policies proxies that raise on any unknown value; reading through them here,
    once, lets every policy treat an unknown as "present, compliant" instead of failing the preview.
    """
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS or value == _PLAN_UNKNOWN else value
    if isinstance(value, Mapping):
        inner = _raw(value)
        if inner.get(_SIG_KEY) == _SECRET_SIG:
            return SECRET
        return {str(key): normalize(inner[key]) for key in inner}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        inner = _raw(value)
        return [normalize(item) for item in inner]
    return value


def _get(props: Any, path: str) -> Any:
    """`props["a"]["b"]`, written `"a.b"`; None when absent, UNKNOWN when any step is unknown."""
    current = props
    for part in path.split("."):
        if current is UNKNOWN:
            return UNKNOWN
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def _is_true(value: Any) -> bool:
    """True, `"true"` (launch templates take strings) or unknown."""
    return value is UNKNOWN or value is True or (isinstance(value, str) and value.lower() == "true")


def _is_set(value: Any) -> bool:
    """A value is there (secrets and unknowns included)."""
    return value is UNKNOWN or (value is not None and value != "" and value != [] and value != {})


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _at_least(value: Any, minimum: float) -> bool:
    if value is UNKNOWN:
        return True
    number = _number(value)
    return number is not None and number >= minimum


# ---------------------------------------------------------------------------------------------
# Policy specs: the functions plus the metadata both runners need
# ---------------------------------------------------------------------------------------------

Config = Mapping[str, Any]
ResourceCheck = Callable[[str, Mapping[str, Any], Config], list[str]]


@dataclass(frozen=True)
class Resource:
    """What a stack policy sees of one resource, whichever runner produced it."""

    type: str
    urn: str
    name: str
    props: Mapping[str, Any]
    protect: bool = False
    provider: str = ""  # provider reference: "URN::ID" or "URN"
    parent: str = ""
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    id: str = ""


StackFinding = tuple[str | None, str]  # (urn or None for the whole stack, message)
StackCheck = Callable[[Sequence[Resource], Config], list[StackFinding]]


def _schema(**properties: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: dict(spec) for name, spec in properties.items()}


@dataclass(frozen=True)
class ResourcePolicySpec:
    """A per-resource policy: which types it looks at, its check, its level and its tunables."""

    name: str
    description: str
    level: EnforcementLevel
    resource_types: frozenset[str]
    check: ResourceCheck
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    type_prefixes: tuple[str, ...] = ()  # e.g. ("aws:",) for a policy over every AWS resource

    def applies_to(self, resource_type: str) -> bool:
        return resource_type in self.resource_types or resource_type.startswith(self.type_prefixes or ("\0",))

    def effective_config(self, config: Config | None = None) -> dict[str, Any]:
        merged = {key: spec["default"] for key, spec in self.config.items() if "default" in spec}
        merged.update({key: value for key, value in (config or {}).items() if key != "enforcementLevel"})
        return merged

    def evaluate(self, resource_type: str, props: Mapping[str, Any], config: Config | None = None) -> list[str]:
        """Messages for one resource; [] when compliant or when the policy does not apply."""
        if not self.applies_to(resource_type):
            return []
        return self.check(resource_type, normalize(props), self.effective_config(config))


@dataclass(frozen=True)
class StackPolicySpec:
    """A policy over the whole stack (e.g. "every bucket has a public access block")."""

    name: str
    description: str
    level: EnforcementLevel
    check: StackCheck
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def effective_config(self, config: Config | None = None) -> dict[str, Any]:
        merged = {key: spec["default"] for key, spec in self.config.items() if "default" in spec}
        merged.update({key: value for key, value in (config or {}).items() if key != "enforcementLevel"})
        return merged

    def evaluate(self, resources: Sequence[Resource], config: Config | None = None) -> list[StackFinding]:
        return self.check(resources, self.effective_config(config))


MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

# ---------------------------------------------------------------------------------------------
# Resource types
# ---------------------------------------------------------------------------------------------

LB_LISTENER = frozenset({"aws:lb/listener:Listener", "aws:alb/listener:Listener"})
LOAD_BALANCER = frozenset({"aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"})
DISTRIBUTION = frozenset({"aws:cloudfront/distribution:Distribution"})
RESPONSE_HEADERS = frozenset({"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"})
RDS_CLUSTER = frozenset({"aws:rds/cluster:Cluster"})
RDS_INSTANCE = frozenset({"aws:rds/clusterInstance:ClusterInstance"})
RDS_CLUSTER_PARAMS = frozenset({"aws:rds/clusterParameterGroup:ClusterParameterGroup"})
REPLICATION_GROUP = frozenset({"aws:elasticache/replicationGroup:ReplicationGroup"})
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
EKS_CLUSTER = frozenset({"aws:eks/cluster:Cluster"})
NODE_GROUP = frozenset({"aws:eks/nodeGroup:NodeGroup"})
LAUNCH_TEMPLATE = frozenset({"aws:ec2/launchTemplate:LaunchTemplate"})
KMS_KEY = frozenset({"aws:kms/key:Key"})
LOG_GROUP = frozenset({"aws:cloudwatch/logGroup:LogGroup"})
SG = "aws:ec2/securityGroup:SecurityGroup"
SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
AWS_PROVIDER = "pulumi:providers:aws"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
# Kubernetes kinds that carry a pod template, and where it sits.
_POD_SPEC_PATHS = {
    DEPLOYMENT: "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
    "kubernetes:core/v1:Pod": "spec",
}
WORKLOADS = frozenset(_POD_SPEC_PATHS)
# Run-to-completion kinds do not need readiness/liveness probes.
LONG_RUNNING = WORKLOADS - {"kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob"}

# ---------------------------------------------------------------------------------------------
# Load balancer
# ---------------------------------------------------------------------------------------------

TLS13_POLICIES = ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"]
ONE_YEAR = 31536000


def alb_tls13_only(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """An HTTPS listener negotiates TLS 1.3 only."""
    if _get(props, "protocol") != "HTTPS":
        return []
    policy = _get(props, "sslPolicy")
    allowed = list(config["allowedSslPolicies"])
    if policy is UNKNOWN or policy in allowed:
        return []
    return [f"HTTPS listener sslPolicy is {policy!r}; use a TLS 1.3-only policy: {', '.join(allowed)}"]


def alb_http_redirects(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """A plain-HTTP listener does nothing but redirect to HTTPS with a 301."""
    if _get(props, "protocol") != "HTTP":
        return []
    actions = _get(props, "defaultActions")
    if actions is UNKNOWN:
        return []
    messages = []
    if not _as_list(actions):
        messages.append("HTTP listener has no default action; it must redirect to HTTPS (HTTP_301)")
    for index, action in enumerate(_as_list(actions)):
        if _get(action, "type") != "redirect":
            messages.append(f"HTTP listener defaultActions[{index}] is {_get(action, 'type')!r}, not a redirect to HTTPS")
            continue
        protocol, status = _get(action, "redirect.protocol"), _get(action, "redirect.statusCode")
        if protocol not in ("HTTPS", UNKNOWN) or status not in ("HTTP_301", UNKNOWN):
            messages.append(f"HTTP listener redirect is protocol={protocol!r} statusCode={status!r}; use HTTPS and HTTP_301")
    return messages


def _hsts_max_age(header: str) -> int | None:
    match = re.search(r"max-age\s*=\s*(\d+)", header, re.IGNORECASE)
    return int(match.group(1)) if match else None


def alb_hsts(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """An HTTPS listener sends Strict-Transport-Security for at least a year."""
    if _get(props, "protocol") != "HTTPS":
        return []
    header = _get(props, "routingHttpResponseStrictTransportSecurityHeaderValue")
    if header is UNKNOWN:
        return []
    minimum = int(config["minMaxAgeSeconds"])
    if not isinstance(header, str) or not header:
        return [f"HTTPS listener sets no routingHttpResponseStrictTransportSecurityHeaderValue (HSTS, max-age>={minimum})"]
    max_age = _hsts_max_age(header)
    if max_age is None or max_age < minimum:
        return [f"HTTPS listener HSTS header {header!r} has max-age below {minimum}"]
    return []


def _is_application_lb(props: Mapping[str, Any]) -> bool:
    return _get(props, "loadBalancerType") in (None, "application", UNKNOWN)


def alb_deletion_protection(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if _is_true(_get(props, "enableDeletionProtection")):
        return []
    return ["load balancer has enableDeletionProtection off"]


def alb_drop_invalid_headers(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if not _is_application_lb(props) or _is_true(_get(props, "dropInvalidHeaderFields")):
        return []
    return ["application load balancer has dropInvalidHeaderFields off (request smuggling guard)"]


def alb_access_logs(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    logs = _get(props, "accessLogs")
    if logs is UNKNOWN:
        return []
    if not _is_true(_get(logs, "enabled")) or not _is_set(_get(logs, "bucket")):
        return ["load balancer has no access logs (accessLogs.enabled with a bucket)"]
    return []


# ---------------------------------------------------------------------------------------------
# CloudFront
# ---------------------------------------------------------------------------------------------


def cloudfront_tls13(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Viewers reach the distribution over TLS 1.3 with our own certificate, SNI only."""
    certificate = _get(props, "viewerCertificate")
    if certificate is UNKNOWN:
        return []
    messages = []
    if _get(certificate, "cloudfrontDefaultCertificate") is True:
        messages.append("distribution uses the CloudFront default certificate, which allows TLS 1.0; use an ACM certificate")
    version = _get(certificate, "minimumProtocolVersion")
    allowed = list(config["allowedMinimumProtocolVersions"])
    if version is not UNKNOWN and version not in allowed:
        messages.append(f"viewerCertificate.minimumProtocolVersion is {version!r}; use {', '.join(allowed)}")
    method = _get(certificate, "sslSupportMethod")
    if method not in ("sni-only", UNKNOWN):
        messages.append(f"viewerCertificate.sslSupportMethod is {method!r}; use 'sni-only'")
    return messages


def cloudfront_https_only(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Viewers are sent to HTTPS, and CloudFront talks HTTPS to custom origins."""
    messages = []
    behaviours: list[tuple[str, Any]] = [("defaultCacheBehavior", _get(props, "defaultCacheBehavior"))]
    behaviours += [
        (f"orderedCacheBehaviors[{index}]", behaviour) for index, behaviour in enumerate(_as_list(_get(props, "orderedCacheBehaviors")))
    ]
    for where, behaviour in behaviours:
        policy = _get(behaviour, "viewerProtocolPolicy")
        if policy not in ("redirect-to-https", "https-only", UNKNOWN):
            messages.append(f"{where}.viewerProtocolPolicy is {policy!r}; use 'redirect-to-https' or 'https-only'")
    for index, origin in enumerate(_as_list(_get(props, "origins"))):
        custom = _get(origin, "customOriginConfig")
        if custom is None or custom is UNKNOWN:
            continue
        policy = _get(custom, "originProtocolPolicy")
        if policy not in ("https-only", UNKNOWN):
            messages.append(f"origins[{index}].customOriginConfig.originProtocolPolicy is {policy!r}; use 'https-only'")
    return messages


def cloudfront_origin_access_control(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """S3 origins are private and reached through Origin Access Control, not the legacy OAI."""
    messages = []
    for index, origin in enumerate(_as_list(_get(props, "origins"))):
        identity = _get(origin, "s3OriginConfig.originAccessIdentity")
        if isinstance(identity, str) and identity:
            messages.append(f"origins[{index}] uses an Origin Access Identity; use Origin Access Control")
        domain = _get(origin, "domainName")
        is_s3 = isinstance(domain, str) and ".s3." in domain and _get(origin, "customOriginConfig") is None
        if is_s3 and not _is_set(_get(origin, "originAccessControlId")):
            messages.append(f"origins[{index}] ({domain}) is an S3 origin without originAccessControlId")
    return messages


def cloudfront_hsts(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """HSTS for a year, subdomains, preload; and every distribution attaches a response headers policy."""
    minimum = int(config["minMaxAgeSeconds"])
    if resource_type in DISTRIBUTION:
        if _is_set(_get(props, "defaultCacheBehavior.responseHeadersPolicyId")):
            return []
        return ["defaultCacheBehavior has no responseHeadersPolicyId (HSTS and security headers)"]
    hsts = _get(props, "securityHeadersConfig.strictTransportSecurity")
    if hsts is UNKNOWN:
        return []
    if not isinstance(hsts, Mapping):
        return ["response headers policy sets no securityHeadersConfig.strictTransportSecurity"]
    messages = []
    if not _at_least(_get(hsts, "accessControlMaxAgeSec"), minimum):
        messages.append(f"strictTransportSecurity.accessControlMaxAgeSec is {_get(hsts, 'accessControlMaxAgeSec')!r}; need >= {minimum}")
    for flag in ("includeSubdomains", "preload", "override"):
        if not _is_true(_get(hsts, flag)):
            messages.append(f"strictTransportSecurity.{flag} is not true")
    return messages


# ---------------------------------------------------------------------------------------------
# Aurora PostgreSQL
# ---------------------------------------------------------------------------------------------


def db_encrypted_at_rest(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not _is_true(_get(props, "storageEncrypted")):
        messages.append("storageEncrypted is off")
    if not _is_set(_get(props, "kmsKeyId")):
        messages.append("no kmsKeyId: encrypt with the platform's customer-managed KMS key")
    return messages


def db_deletion_protection(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not _is_true(_get(props, "deletionProtection")):
        messages.append("deletionProtection is off")
    skip = _get(props, "skipFinalSnapshot")
    if skip is True or (isinstance(skip, str) and skip.lower() == "true"):
        messages.append("skipFinalSnapshot is true: deleting the cluster would lose its data")
    elif not _is_set(_get(props, "finalSnapshotIdentifier")):
        messages.append("no finalSnapshotIdentifier: the final snapshot on delete needs a name")
    return messages


def db_backup_retention(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    minimum = int(config["minRetentionDays"])
    retention = _get(props, "backupRetentionPeriod")
    if _at_least(retention, minimum):
        return []
    shown = "unset (AWS default 1)" if retention is None else retention
    return [f"backupRetentionPeriod is {shown}; need >= {minimum} days"]


def db_iam_auth(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if _is_true(_get(props, "iamDatabaseAuthenticationEnabled")):
        return []
    return ["iamDatabaseAuthenticationEnabled is off"]


def db_log_exports(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    exports = _get(props, "enabledCloudwatchLogsExports")
    if exports is UNKNOWN or "postgresql" in _as_list(exports):
        return []
    return ["enabledCloudwatchLogsExports does not include 'postgresql'"]


def db_instance_private(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    public = _get(props, "publiclyAccessible")
    if public is True or (isinstance(public, str) and public.lower() == "true"):
        return ["cluster instance is publiclyAccessible"]
    return []


def db_performance_insights(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if _is_true(_get(props, "performanceInsightsEnabled")):
        return []
    return ["performanceInsightsEnabled is off"]


def db_tls_required(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """The cluster parameter group forces TLS and refuses anything below the configured version."""
    family = _get(props, "family")
    if isinstance(family, str) and "postgres" not in family:
        return []
    parameters = _get(props, "parameters")
    if parameters is UNKNOWN:
        return []
    values = {_get(p, "name"): _get(p, "value") for p in _as_list(parameters)}
    wanted = {"rds.force_ssl": "1", "ssl_min_protocol_version": str(config["minTlsVersion"])}
    messages = []
    for name, value in wanted.items():
        given = values.get(name)
        if given is UNKNOWN or str(given) == value:
            continue
        messages.append(f"parameter {name} is {given!r}; set it to {value!r}")
    return messages


# ---------------------------------------------------------------------------------------------
# ElastiCache (Redis / Valkey)
# ---------------------------------------------------------------------------------------------


def cache_encryption_in_transit(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not _is_true(_get(props, "transitEncryptionEnabled")):
        messages.append("transitEncryptionEnabled is off")
    mode = _get(props, "transitEncryptionMode")
    if mode not in ("required", UNKNOWN):
        messages.append(f"transitEncryptionMode is {mode!r}; use 'required' (no plaintext clients)")
    return messages


def cache_encryption_at_rest(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not _is_true(_get(props, "atRestEncryptionEnabled")):
        messages.append("atRestEncryptionEnabled is off")
    if not _is_set(_get(props, "kmsKeyId")):
        messages.append("no kmsKeyId: encrypt with the platform's customer-managed KMS key")
    return messages


def cache_auth_token(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if _is_set(_get(props, "authToken")):
        return []
    return ["no authToken: clients must authenticate (set it from a Pulumi secret)"]


def cache_failover(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    if not _is_true(_get(props, "automaticFailoverEnabled")):
        messages.append("automaticFailoverEnabled is off")
    if not _is_true(_get(props, "multiAzEnabled")):
        messages.append("multiAzEnabled is off")
    return messages


def cache_snapshots(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    minimum = int(config["minRetentionDays"])
    limit = _get(props, "snapshotRetentionLimit")
    if _at_least(limit, minimum):
        return []
    return [f"snapshotRetentionLimit is {limit!r}; need >= {minimum} day(s)"]


# ---------------------------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------------------------

_PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def s3_public_access_block(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    off = [flag for flag in _PAB_FLAGS if not _is_true(_get(props, flag))]
    return [f"public access block leaves {', '.join(off)} off"] if off else []


def s3_encryption(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    rules = _get(props, "rules")
    if rules is UNKNOWN:
        return []
    algorithms = [_get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm") for rule in _as_list(rules)]
    if any(a is UNKNOWN or a in ("aws:kms", "aws:kms:dsse", "AES256") for a in algorithms):
        return []
    return ["server-side encryption configuration has no applyServerSideEncryptionByDefault.sseAlgorithm"]


def s3_ownership_enforced(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    allowed = list(config["allowedObjectOwnership"])
    ownership = _get(props, "rule.objectOwnership")
    if ownership is UNKNOWN or ownership in allowed:
        return []
    return [f"rule.objectOwnership is {ownership!r}; use {' or '.join(allowed)} (ACLs disabled)"]


# ---------------------------------------------------------------------------------------------
# EKS and its nodes
# ---------------------------------------------------------------------------------------------


def eks_secrets_encryption(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    encryption = _get(props, "encryptionConfig")
    if encryption is UNKNOWN:
        return []
    # pulumi-aws v7 takes one block; older shapes were a list of them.
    blocks = encryption if isinstance(encryption, list) else [encryption] if encryption else []
    for block in blocks:
        resources = _get(block, "resources")
        if (resources is UNKNOWN or "secrets" in _as_list(resources)) and _is_set(_get(block, "provider.keyArn")):
            return []
    return ["encryptionConfig does not envelope-encrypt 'secrets' with a KMS key (provider.keyArn)"]


def eks_control_plane_logs(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    types = _get(props, "enabledClusterLogTypes")
    if types is UNKNOWN:
        return []
    missing = [t for t in config["requiredLogTypes"] if t not in _as_list(types)]
    return [f"enabledClusterLogTypes is missing {', '.join(missing)}"] if missing else []


def ebs_encrypted_gp3(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Node volumes are encrypted gp3 and big enough for images, logs and the app (≥ 100 GiB)."""
    mappings = _get(props, "blockDeviceMappings")
    if mappings is UNKNOWN:
        return []
    minimum = int(config["minRootVolumeGiB"])
    if not _as_list(mappings):
        return [f"launch template sets no blockDeviceMappings: the root volume would not be encrypted gp3 >= {minimum} GiB"]
    messages = []
    for index, mapping in enumerate(_as_list(mappings)):
        ebs = _get(mapping, "ebs")
        where = f"blockDeviceMappings[{index}].ebs"
        if ebs is UNKNOWN:
            continue
        if not _is_true(_get(ebs, "encrypted")):
            messages.append(f"{where}.encrypted is not true")
        if _get(ebs, "volumeType") not in ("gp3", UNKNOWN):
            messages.append(f"{where}.volumeType is {_get(ebs, 'volumeType')!r}; use 'gp3'")
        if index == 0 and not _at_least(_get(ebs, "volumeSize"), minimum):
            messages.append(f"{where}.volumeSize is {_get(ebs, 'volumeSize')!r}; need >= {minimum} GiB")
    return messages


def imdsv2_required(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    tokens = _get(props, "metadataOptions.httpTokens")
    if tokens in ("required", UNKNOWN):
        return []
    return [f"metadataOptions.httpTokens is {tokens!r}; use 'required' (IMDSv2 only)"]


# ---------------------------------------------------------------------------------------------
# KMS, logs
# ---------------------------------------------------------------------------------------------


def kms_key_rotation(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if _get(props, "keySpec") not in (None, "SYMMETRIC_DEFAULT", UNKNOWN):
        return []  # AWS rotates only symmetric keys
    if _is_true(_get(props, "enableKeyRotation")):
        return []
    return ["enableKeyRotation is off"]


def log_retention(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    days = _get(props, "retentionInDays")
    if days is UNKNOWN or (_number(days) or 0) > 0:
        return []
    return ["retentionInDays is unset: logs are kept (and billed) forever"]


# ---------------------------------------------------------------------------------------------
# Security groups
# ---------------------------------------------------------------------------------------------

_WORLD = frozenset({"0.0.0.0/0", "::/0"})


def _world_open_ingress(resource_type: str, props: Mapping[str, Any]) -> list[tuple[str, Any, Any, Any]]:
    """(where, protocol, fromPort, toPort) of every ingress that admits the whole internet."""
    found: list[tuple[str, Any, Any, Any]] = []
    if resource_type == SG_INGRESS_RULE:
        if _get(props, "cidrIpv4") in _WORLD or _get(props, "cidrIpv6") in _WORLD:
            found.append(("rule", _get(props, "ipProtocol"), _get(props, "fromPort"), _get(props, "toPort")))
    elif resource_type == SG_RULE:
        cidrs = _as_list(_get(props, "cidrBlocks")) + _as_list(_get(props, "ipv6CidrBlocks"))
        if _get(props, "type") == "ingress" and _WORLD.intersection(c for c in cidrs if isinstance(c, str)):
            found.append(("rule", _get(props, "protocol"), _get(props, "fromPort"), _get(props, "toPort")))
    elif resource_type == SG:
        for index, rule in enumerate(_as_list(_get(props, "ingress"))):
            cidrs = _as_list(_get(rule, "cidrBlocks")) + _as_list(_get(rule, "ipv6CidrBlocks"))
            if _WORLD.intersection(c for c in cidrs if isinstance(c, str)):
                found.append((f"ingress[{index}]", _get(rule, "protocol"), _get(rule, "fromPort"), _get(rule, "toPort")))
    return found


def no_public_ingress(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """The internet reaches only the configured ports (the load balancer's 80/443); see the stack policy."""
    ports = {int(p) for p in config["publicPorts"]}
    messages = []
    for where, protocol, from_port, to_port in _world_open_ingress(resource_type, props):
        if UNKNOWN in (from_port, to_port):
            continue
        single_port = _number(from_port) == _number(to_port) and _number(from_port) in ports
        if str(protocol) in ("-1", "all") or not single_port:
            messages.append(
                f"{where} opens {protocol}/{from_port}-{to_port} to the internet; only ports "
                f"{', '.join(map(str, sorted(ports)))} of the load balancer may be public"
            )
    return messages


# ---------------------------------------------------------------------------------------------
# Cost-allocation tags
# ---------------------------------------------------------------------------------------------

REQUIRED_TAGS = ["Project", "Environment", "ManagedBy", "Owner", "CostCenter"]


def _provider_default_tags(props: Mapping[str, Any]) -> Any:
    default_tags = _get(props, "defaultTags")
    if isinstance(default_tags, str) and default_tags not in (SECRET,):
        # Provider inputs reach the engine JSON-encoded.
        try:
            default_tags = normalize(json.loads(default_tags))
        except ValueError:
            return None
    if default_tags is UNKNOWN:
        return UNKNOWN
    return _get(default_tags, "tags")


def cost_allocation_tags(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """AWS providers tag everything they create; resources that set tags do not blank those keys."""
    required = list(config["requiredTags"])
    if resource_type == AWS_PROVIDER:
        tags = _provider_default_tags(props)
        if tags is UNKNOWN:
            return []
        missing = [t for t in required if not _is_set(_get(tags, t))]
        return [f"AWS provider defaultTags.tags is missing {', '.join(missing)}"] if missing else []
    tags = _get(props, "tags")
    if not isinstance(tags, Mapping):
        return []
    blanked = [t for t in required if t in tags and not _is_set(tags[t])]
    return [f"tags blank the cost-allocation tag(s) {', '.join(blanked)}"] if blanked else []


# ---------------------------------------------------------------------------------------------
# Multi-AZ
# ---------------------------------------------------------------------------------------------


def _multi_az_applies(config: Config) -> bool:
    return bool(config["requireMultiAz"]) and str(config["environment"]) in list(config["multiAzEnvironments"])


def multi_az(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """In production every tier spans several availability zones."""
    if not _multi_az_applies(config):
        return []
    minimum = int(config["minAzCount"])
    if resource_type in LOAD_BALANCER:
        subnets = _get(props, "subnets")
        if subnets is None:
            subnets = _get(props, "subnetMappings")
        # One subnet per zone: the count of subnets is the count of zones.
        if subnets is not UNKNOWN and len(_as_list(subnets)) < minimum:
            return [f"load balancer spans {len(_as_list(subnets))} subnet(s); need >= {minimum} availability zones"]
    elif resource_type in REPLICATION_GROUP:
        replicas, clusters = _get(props, "replicasPerNodeGroup"), _get(props, "numCacheClusters")
        if not (_at_least(replicas, 1) or _at_least(clusters, 2)):
            return ["replication group has no replica in another zone (numCacheClusters >= 2 or replicasPerNodeGroup >= 1)"]
    elif resource_type in NODE_GROUP:
        messages = []
        subnets = _get(props, "subnetIds")
        if subnets is not UNKNOWN and len(_as_list(subnets)) < 2:
            messages.append(f"node group spans {len(_as_list(subnets))} subnet(s); need >= 2 zones")
        if not _at_least(_get(props, "scalingConfig.minSize"), 2):
            messages.append("node group scalingConfig.minSize < 2: one node lost takes the platform down")
        return messages
    return []


# ---------------------------------------------------------------------------------------------
# Kubernetes workloads
# ---------------------------------------------------------------------------------------------


def _pod_spec(resource_type: str, props: Mapping[str, Any]) -> Any:
    return _get(props, _POD_SPEC_PATHS[resource_type])


def _containers(pod: Any, include_init: bool = True) -> list[tuple[str, Mapping[str, Any]]]:
    kinds = ("containers", "initContainers") if include_init else ("containers",)
    found = []
    for kind in kinds:
        for index, container in enumerate(_as_list(_get(pod, kind))):
            if isinstance(container, Mapping):
                found.append((f"{kind}[{index}] {container.get('name', '?')}", container))
    return found


def k8s_pod_security(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """Non-root, high UID, no privilege escalation, read-only root, no capabilities, seccomp."""
    pod = _pod_spec(resource_type, props)
    if pod is UNKNOWN or pod is None:
        return []
    pod_ctx = _get(pod, "securityContext")
    min_uid = int(config["minRunAsUser"])
    messages = []
    for where, container in _containers(pod):
        ctx = _get(container, "securityContext")

        def effective(key: str, ctx: Any = ctx) -> Any:
            """The container's setting, else the pod's (Kubernetes' own precedence)."""
            own = _get(ctx, key)
            return own if own is not None else _get(pod_ctx, key)

        if not _is_true(effective("runAsNonRoot")):
            messages.append(f"{where}: runAsNonRoot is not true")
        if not _at_least(effective("runAsUser"), min_uid):
            messages.append(f"{where}: runAsUser is {effective('runAsUser')!r}; need >= {min_uid}")
        escalation = _get(ctx, "allowPrivilegeEscalation")
        if escalation is not UNKNOWN and escalation is not False:
            messages.append(f"{where}: allowPrivilegeEscalation is not false")
        if not _is_true(_get(ctx, "readOnlyRootFilesystem")):
            messages.append(f"{where}: readOnlyRootFilesystem is not true")
        drop = _get(ctx, "capabilities.drop")
        if drop is not UNKNOWN and "ALL" not in _as_list(drop):
            messages.append(f"{where}: capabilities.drop does not include ALL")
        seccomp = effective("seccompProfile.type")
        if seccomp not in ("RuntimeDefault", "Localhost", UNKNOWN):
            messages.append(f"{where}: seccompProfile.type is {seccomp!r}; use RuntimeDefault")
    return messages


def k8s_resources(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    pod = _pod_spec(resource_type, props)
    messages = []
    for where, container in _containers(pod):
        resources = _get(container, "resources")
        if resources is UNKNOWN:
            continue
        for section, keys in (("requests", config["requiredRequests"]), ("limits", config["requiredLimits"])):
            missing = [k for k in keys if not _is_set(_get(resources, f"{section}.{k}"))]
            if missing:
                messages.append(f"{where}: resources.{section} lacks {', '.join(missing)}")
    return messages


def k8s_probes(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    if resource_type not in LONG_RUNNING:
        return []
    messages = []
    for where, container in _containers(_pod_spec(resource_type, props), include_init=False):
        missing = [p for p in ("readinessProbe", "livenessProbe") if not _is_set(_get(container, p))]
        if missing:
            messages.append(f"{where}: no {' and no '.join(missing)}")
    return messages


SECRET_ENV_PATTERN = r"SECRET|PASSWORD|TOKEN|(^|_)(API_)?KEY($|_)|^(DATABASE|REDIS)_URL$"
NOT_SECRET_ENV_PATTERN = r"_(PATH|FILE|ENDPOINT)$"


def k8s_no_literal_secrets(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    """A secret-looking env var comes from a Secret (`valueFrom`), never a literal in the pod spec."""
    secret_name = re.compile(str(config["secretEnvPattern"]), re.IGNORECASE)
    exempt = re.compile(str(config["exemptEnvPattern"]), re.IGNORECASE)
    messages = []
    for where, container in _containers(_pod_spec(resource_type, props)):
        for env in _as_list(_get(container, "env")):
            name = _get(env, "name")
            if not isinstance(name, str) or not secret_name.search(name) or exempt.search(name):
                continue
            if _get(env, "value") is not None and not _is_set(_get(env, "valueFrom")):
                messages.append(f"{where}: env {name} is a literal value; use valueFrom.secretKeyRef")
    return messages


def _image_problem(image: Any) -> str | None:
    if image is UNKNOWN or not isinstance(image, str):
        return None
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag or digest"
    if last.rsplit(":", 1)[1] == "latest":
        return "uses the mutable tag 'latest'"
    return None


def k8s_image_pinned(resource_type: str, props: Mapping[str, Any], config: Config) -> list[str]:
    messages = []
    for where, container in _containers(_pod_spec(resource_type, props)):
        problem = _image_problem(_get(container, "image"))
        if problem:
            messages.append(f"{where}: image {_get(container, 'image')!r} {problem}; pin a version tag or digest")
    return messages


# ---------------------------------------------------------------------------------------------
# Stack policies
# ---------------------------------------------------------------------------------------------


def provider_urn(reference: str) -> str:
    """Provider references are "URN::ID"; the URN alone identifies the provider."""
    if reference.count("::") > 3:
        return reference.rsplit("::", 1)[0]
    return reference


def _references(sub: Resource, target: Resource, prop: str) -> bool | None:
    """Whether `sub.props[prop]` points at `target`; None when that cannot be seen."""
    dependencies = sub.property_dependencies.get(prop)
    if dependencies:
        return target.urn in dependencies
    value = sub.props.get(prop)
    if value is UNKNOWN or value is None:
        return None
    identities = {target.id, target.name, target.props.get("bucket"), target.props.get("clusterIdentifier")}
    identities.discard("")
    identities.discard(None)
    return value in identities


def _belongs_to(sub: Resource, target: Resource, prop: str) -> bool:
    if sub.parent == target.urn:
        return True
    if _references(sub, target, prop):
        return True
    # Last resort for documents that record neither ids nor dependencies (a preview): children
    # named after it, or a companion named exactly like it beside it (components/shared/buckets.py).
    if sub.name == target.name and sub.parent == target.parent:
        return True
    return sub.name.startswith(f"{target.name}-")


def s3_bucket_guardrails(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Every bucket has a public access block, default encryption and ACLs disabled."""
    companions = {
        BUCKET_PAB: "public access block (BucketPublicAccessBlock)",
        BUCKET_SSE: "server-side encryption configuration",
        BUCKET_OWNERSHIP: "ownership controls (BucketOwnerEnforced)",
    }
    if config["requireVersioning"]:
        companions[BUCKET_VERSIONING] = "versioning configuration"
    findings: list[StackFinding] = []
    for bucket in (r for r in resources if r.type == BUCKET):
        for companion_type, what in companions.items():
            companions_of_type = [r for r in resources if r.type == companion_type]
            if not any(_belongs_to(c, bucket, "bucket") for c in companions_of_type):
                findings.append((bucket.urn, f"bucket {bucket.name} has no {what}"))
    return findings


def public_ingress_only_on_load_balancer(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Internet-open 80/443 is allowed only on a security group that a load balancer uses."""
    balancers = [r for r in resources if r.type in LOAD_BALANCER]
    lb_group_urns = {urn for lb in balancers for urn in lb.property_dependencies.get("securityGroups", ())}
    lb_group_ids: set[str] = set()
    ids_complete = True
    for lb in balancers:
        groups = lb.props.get("securityGroups")
        if groups is UNKNOWN or any(g is UNKNOWN for g in _as_list(groups)):
            ids_complete = False
        lb_group_ids.update(g for g in _as_list(groups) if isinstance(g, str))
    groups_by_urn = {r.urn: r for r in resources if r.type == SG}
    findings: list[StackFinding] = []
    for resource in resources:
        if not _world_open_ingress(resource.type, resource.props):
            continue
        if resource.type == SG:
            group_urn: str | None = resource.urn
            group_id: Any = resource.id or None
        else:
            deps = resource.property_dependencies.get("securityGroupId", ())
            group_urn = deps[0] if deps else None
            group_id = resource.props.get("securityGroupId")
            if group_id is None and group_urn in groups_by_urn:
                group_id = groups_by_urn[group_urn].id or None
        if group_urn is not None and lb_group_urns:
            on_lb = group_urn in lb_group_urns
        elif isinstance(group_id, str) and group_id and ids_complete:
            on_lb = group_id in lb_group_ids
        else:
            continue  # cannot tell which group this is; the per-resource port check still applies
        if not on_lb:
            findings.append((resource.urn, "internet-open ingress on a security group no load balancer uses"))
    return findings


def aws_resources_use_tagged_provider(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Every AWS resource is created by a provider that carries the cost-allocation default tags."""
    required = list(config["requiredTags"])
    providers = {r.urn: r for r in resources if r.type == AWS_PROVIDER}
    users: dict[str, list[Resource]] = {}
    for resource in resources:
        if resource.type.startswith("aws:") and resource.provider:
            users.setdefault(provider_urn(resource.provider), []).append(resource)
    findings: list[StackFinding] = []
    for provider_ref, used_by in sorted(users.items()):
        provider = providers.get(provider_ref)
        if provider is None:
            if "::pulumi:providers:aws::default" in provider_ref:
                findings.append(
                    (
                        used_by[0].urn,
                        f"{len(used_by)} AWS resource(s) use the default provider, which is not declared with cost-allocation default tags",
                    )
                )
            continue
        tags = _provider_default_tags(provider.props)
        if tags is UNKNOWN:
            continue
        missing = [t for t in required if not _is_set(_get(tags, t))]
        if missing:
            findings.append(
                (provider_ref, f"{len(used_by)} AWS resource(s) use this provider, whose default tags lack {', '.join(missing)}")
            )
    return findings


def aurora_multi_instance(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """In production an Aurora cluster has a writer and at least one reader to fail over to."""
    if not _multi_az_applies(config):
        return []
    clusters = [r for r in resources if r.type in RDS_CLUSTER]
    instances = [r for r in resources if r.type in RDS_INSTANCE]
    findings: list[StackFinding] = []
    for cluster in clusters:
        attached = [i for i in instances if _references(i, cluster, "clusterIdentifier") or i.parent == cluster.urn]
        unseen = any(_references(i, cluster, "clusterIdentifier") is None for i in instances)
        # When no instance can be matched to its cluster (identifiers unknown), share them out evenly.
        count = len(attached) if attached or not unseen else len(instances) // len(clusters)
        if count < 2:
            findings.append((cluster.urn, f"Aurora cluster {cluster.name} has {count} instance(s); need >= 2 in different zones"))
    return findings


def stateful_resources_protected(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Database, cache and buckets carry `protect` so no `pulumi up` deletes their data."""
    stateful = RDS_CLUSTER | REPLICATION_GROUP | {BUCKET}
    return [
        (r.urn, f"{r.type} {r.name} is not protected (ResourceOptions(protect=True))")
        for r in resources
        if r.type in stateful and not r.protect
    ]


def _labels_selected(selector: Any, labels: Any) -> bool:
    match = _get(selector, "matchLabels")
    if match is UNKNOWN or labels is UNKNOWN or not isinstance(match, Mapping):
        return True
    return isinstance(labels, Mapping) and all(labels.get(k) == v for k, v in match.items())


def pod_disruption_budgets(resources: Sequence[Resource], config: Config) -> list[StackFinding]:
    """Every Deployment is covered by a PodDisruptionBudget, so node drains keep it serving."""
    budgets = [r for r in resources if r.type == PDB]
    findings: list[StackFinding] = []
    for deployment in (r for r in resources if r.type == DEPLOYMENT):
        labels = _get(deployment.props, "spec.template.metadata.labels")
        if not any(_labels_selected(_get(b.props, "spec.selector"), labels) for b in budgets):
            findings.append((deployment.urn, f"Deployment {deployment.name} has no PodDisruptionBudget selecting its pods"))
    return findings


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------

_HSTS_CONFIG = _schema(minMaxAgeSeconds={"type": "integer", "minimum": 0, "default": ONE_YEAR})
_TAG_CONFIG = _schema(requiredTags={"type": "array", "items": {"type": "string"}, "default": REQUIRED_TAGS})
_MULTI_AZ_CONFIG = _schema(
    environment={
        "type": "string",
        "default": "production",
        "description": "The stack's environment; preflight check fills it from the plan.",
    },
    multiAzEnvironments={"type": "array", "items": {"type": "string"}, "default": ["production"]},
    requireMultiAz={"type": "boolean", "default": True},
    minAzCount={"type": "integer", "minimum": 2, "default": 3},
)

RESOURCE_POLICIES: list[ResourcePolicySpec] = [
    ResourcePolicySpec(
        "alb-tls13-only",
        "HTTPS listeners use a TLS 1.3-only security policy.",
        MANDATORY,
        LB_LISTENER,
        alb_tls13_only,
        _schema(allowedSslPolicies={"type": "array", "items": {"type": "string"}, "default": TLS13_POLICIES}),
    ),
    ResourcePolicySpec(
        "alb-http-redirects-to-https", "Port-80 listeners only redirect to HTTPS with HTTP_301.", MANDATORY, LB_LISTENER, alb_http_redirects
    ),
    ResourcePolicySpec(
        "alb-hsts", "HTTPS listeners send HSTS with max-age of at least a year.", MANDATORY, LB_LISTENER, alb_hsts, _HSTS_CONFIG
    ),
    ResourcePolicySpec(
        "alb-deletion-protection", "Load balancers have deletion protection.", MANDATORY, LOAD_BALANCER, alb_deletion_protection
    ),
    ResourcePolicySpec(
        "alb-drop-invalid-headers", "ALBs drop invalid HTTP header fields.", MANDATORY, LOAD_BALANCER, alb_drop_invalid_headers
    ),
    ResourcePolicySpec("alb-access-logs", "Load balancers write access logs to a bucket.", MANDATORY, LOAD_BALANCER, alb_access_logs),
    ResourcePolicySpec(
        "cloudfront-tls13",
        "CloudFront viewers use TLS 1.3 with an SNI certificate.",
        MANDATORY,
        DISTRIBUTION,
        cloudfront_tls13,
        _schema(allowedMinimumProtocolVersions={"type": "array", "items": {"type": "string"}, "default": ["TLSv1.3_2025"]}),
    ),
    ResourcePolicySpec(
        "cloudfront-https-only",
        "CloudFront redirects viewers to HTTPS and uses HTTPS to origins.",
        MANDATORY,
        DISTRIBUTION,
        cloudfront_https_only,
    ),
    ResourcePolicySpec(
        "cloudfront-origin-access-control",
        "S3 origins are private behind Origin Access Control.",
        MANDATORY,
        DISTRIBUTION,
        cloudfront_origin_access_control,
    ),
    ResourcePolicySpec(
        "cloudfront-hsts",
        "CloudFront sends HSTS (1 year, includeSubdomains, preload).",
        MANDATORY,
        DISTRIBUTION | RESPONSE_HEADERS,
        cloudfront_hsts,
        _HSTS_CONFIG,
    ),
    ResourcePolicySpec("db-encrypted-at-rest", "Aurora storage is encrypted with a KMS key.", MANDATORY, RDS_CLUSTER, db_encrypted_at_rest),
    ResourcePolicySpec(
        "db-deletion-protection",
        "Aurora has deletion protection and takes a final snapshot.",
        MANDATORY,
        RDS_CLUSTER,
        db_deletion_protection,
    ),
    ResourcePolicySpec(
        "db-backup-retention",
        "Aurora keeps automated backups long enough.",
        MANDATORY,
        RDS_CLUSTER,
        db_backup_retention,
        _schema(minRetentionDays={"type": "integer", "minimum": 1, "maximum": 35, "default": 7}),
    ),
    ResourcePolicySpec("db-iam-auth", "Aurora allows IAM database authentication.", ADVISORY, RDS_CLUSTER, db_iam_auth),
    ResourcePolicySpec("db-log-exports", "Aurora exports the postgresql log to CloudWatch.", MANDATORY, RDS_CLUSTER, db_log_exports),
    ResourcePolicySpec("db-not-public", "Database instances are not publicly accessible.", MANDATORY, RDS_INSTANCE, db_instance_private),
    ResourcePolicySpec(
        "db-performance-insights", "Database instances have Performance Insights.", MANDATORY, RDS_INSTANCE, db_performance_insights
    ),
    ResourcePolicySpec(
        "db-tls-required",
        "The cluster parameter group forces TLS 1.3.",
        MANDATORY,
        RDS_CLUSTER_PARAMS,
        db_tls_required,
        _schema(minTlsVersion={"type": "string", "enum": ["TLSv1.2", "TLSv1.3"], "default": "TLSv1.3"}),
    ),
    ResourcePolicySpec(
        "cache-encryption-in-transit",
        "ElastiCache requires TLS from every client.",
        MANDATORY,
        REPLICATION_GROUP,
        cache_encryption_in_transit,
    ),
    ResourcePolicySpec(
        "cache-encryption-at-rest",
        "ElastiCache is encrypted at rest with a KMS key.",
        MANDATORY,
        REPLICATION_GROUP,
        cache_encryption_at_rest,
    ),
    ResourcePolicySpec("cache-auth-token", "ElastiCache requires an auth token.", MANDATORY, REPLICATION_GROUP, cache_auth_token),
    ResourcePolicySpec("cache-failover", "ElastiCache is Multi-AZ with automatic failover.", MANDATORY, REPLICATION_GROUP, cache_failover),
    ResourcePolicySpec(
        "cache-snapshots",
        "ElastiCache keeps snapshots.",
        MANDATORY,
        REPLICATION_GROUP,
        cache_snapshots,
        _schema(minRetentionDays={"type": "integer", "minimum": 1, "default": 1}),
    ),
    ResourcePolicySpec(
        "s3-public-access-block",
        "Bucket public access blocks set all four flags.",
        MANDATORY,
        frozenset({BUCKET_PAB}),
        s3_public_access_block,
    ),
    ResourcePolicySpec("s3-encryption", "Buckets encrypt objects by default.", MANDATORY, frozenset({BUCKET_SSE}), s3_encryption),
    ResourcePolicySpec(
        "s3-ownership-enforced",
        "Buckets disable ACLs (BucketOwnerEnforced).",
        MANDATORY,
        frozenset({BUCKET_OWNERSHIP}),
        s3_ownership_enforced,
        _schema(allowedObjectOwnership={"type": "array", "items": {"type": "string"}, "default": ["BucketOwnerEnforced"]}),
    ),
    ResourcePolicySpec(
        "eks-secrets-encryption", "EKS envelope-encrypts Kubernetes secrets with KMS.", MANDATORY, EKS_CLUSTER, eks_secrets_encryption
    ),
    ResourcePolicySpec(
        "eks-control-plane-logs",
        "EKS ships audit, api and authenticator logs.",
        MANDATORY,
        EKS_CLUSTER,
        eks_control_plane_logs,
        _schema(requiredLogTypes={"type": "array", "items": {"type": "string"}, "default": ["api", "audit", "authenticator"]}),
    ),
    ResourcePolicySpec(
        "ebs-encrypted-gp3",
        "Node volumes are encrypted gp3 of at least 100 GiB.",
        MANDATORY,
        LAUNCH_TEMPLATE,
        ebs_encrypted_gp3,
        _schema(minRootVolumeGiB={"type": "integer", "minimum": 1, "default": 100}),
    ),
    ResourcePolicySpec(
        "imdsv2-required", "Instances accept only IMDSv2.", MANDATORY, LAUNCH_TEMPLATE | {"aws:ec2/instance:Instance"}, imdsv2_required
    ),
    ResourcePolicySpec("kms-key-rotation", "KMS keys rotate yearly.", MANDATORY, KMS_KEY, kms_key_rotation),
    ResourcePolicySpec("log-retention", "Log groups have a retention period.", ADVISORY, LOG_GROUP, log_retention),
    ResourcePolicySpec(
        "no-public-ingress",
        "Only ports 80/443 may be open to the internet.",
        MANDATORY,
        frozenset({SG, SG_INGRESS_RULE, SG_RULE}),
        no_public_ingress,
        _schema(publicPorts={"type": "array", "items": {"type": "integer"}, "default": [80, 443]}),
    ),
    ResourcePolicySpec(
        "multi-az",
        "In production, load balancer, cache and nodes span several zones.",
        MANDATORY,
        LOAD_BALANCER | REPLICATION_GROUP | NODE_GROUP,
        multi_az,
        _MULTI_AZ_CONFIG,
    ),
    ResourcePolicySpec(
        "cost-allocation-tags",
        "AWS providers carry the cost-allocation default tags.",
        MANDATORY,
        frozenset({AWS_PROVIDER}),
        cost_allocation_tags,
        _TAG_CONFIG,
        type_prefixes=("aws:",),
    ),
    ResourcePolicySpec(
        "k8s-pod-security",
        "Pods run non-root, unprivileged, read-only, seccomp'd.",
        MANDATORY,
        WORKLOADS,
        k8s_pod_security,
        _schema(minRunAsUser={"type": "integer", "minimum": 1, "default": 10000}),
    ),
    ResourcePolicySpec(
        "k8s-resources",
        "Containers declare resource requests and limits.",
        MANDATORY,
        WORKLOADS,
        k8s_resources,
        _schema(
            requiredRequests={"type": "array", "items": {"type": "string"}, "default": ["cpu", "memory"]},
            requiredLimits={"type": "array", "items": {"type": "string"}, "default": ["cpu", "memory"]},
        ),
    ),
    ResourcePolicySpec("k8s-probes", "Long-running containers have readiness and liveness probes.", MANDATORY, WORKLOADS, k8s_probes),
    ResourcePolicySpec(
        "k8s-no-literal-secrets",
        "Secret-looking env vars come from Secrets (valueFrom).",
        MANDATORY,
        WORKLOADS,
        k8s_no_literal_secrets,
        _schema(
            secretEnvPattern={"type": "string", "default": SECRET_ENV_PATTERN},
            exemptEnvPattern={"type": "string", "default": NOT_SECRET_ENV_PATTERN},
        ),
    ),
    ResourcePolicySpec(
        "k8s-image-pinned", "Container images are pinned (a version tag or digest, never latest).", MANDATORY, WORKLOADS, k8s_image_pinned
    ),
]


STACK_POLICIES: list[StackPolicySpec] = [
    StackPolicySpec(
        "s3-bucket-guardrails",
        "Every bucket has a public access block, encryption and ownership controls.",
        MANDATORY,
        s3_bucket_guardrails,
        _schema(requireVersioning={"type": "boolean", "default": False}),
    ),
    StackPolicySpec(
        "public-ingress-only-on-load-balancer",
        "Internet-open ingress only on a load balancer's group.",
        MANDATORY,
        public_ingress_only_on_load_balancer,
    ),
    StackPolicySpec(
        "aws-resources-use-tagged-provider",
        "AWS resources come from providers with default tags.",
        MANDATORY,
        aws_resources_use_tagged_provider,
        _TAG_CONFIG,
    ),
    StackPolicySpec(
        "aurora-multi-instance", "In production, Aurora has at least two instances.", MANDATORY, aurora_multi_instance, _MULTI_AZ_CONFIG
    ),
    StackPolicySpec(
        "stateful-resources-protected", "Database, cache and buckets are protected resources.", MANDATORY, stateful_resources_protected
    ),
    StackPolicySpec("pod-disruption-budget", "Every Deployment has a PodDisruptionBudget.", ADVISORY, pod_disruption_budgets),
]

# ---------------------------------------------------------------------------------------------
# CrossGuard wrappers
# ---------------------------------------------------------------------------------------------


def _resource_validation(spec: ResourcePolicySpec) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in spec.evaluate(args.resource_type, args.props, args.get_config()):
            report_violation(message, None)

    return validate


def resource_from_engine(resource: PolicyResource) -> Resource:
    """A stack policy's view of one engine resource."""
    return Resource(
        type=resource.resource_type,
        urn=resource.urn,
        name=resource.name,
        props=normalize(resource.props),
        protect=bool(resource.opts.protect) if resource.opts is not None else False,
        provider=resource.provider.urn if resource.provider is not None else "",
        parent=resource.parent.urn if resource.parent is not None else "",
        property_dependencies={k: tuple(d.urn for d in v) for k, v in resource.property_dependencies.items()},
    )


def _stack_validation(spec: StackPolicySpec) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [resource_from_engine(r) for r in args.resources]
        for urn, message in spec.evaluate(resources, args.get_config()):
            report_violation(message, urn)

    return validate


def _config_schema(config: Mapping[str, Mapping[str, Any]]) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties={k: dict(v) for k, v in config.items()}) if config else None


def _build_policies() -> list[ResourceValidationPolicy | StackValidationPolicy]:
    policies: list[ResourceValidationPolicy | StackValidationPolicy] = []
    for spec in RESOURCE_POLICIES:
        policies.append(
            ResourceValidationPolicy(
                name=spec.name,
                description=spec.description,
                validate=_resource_validation(spec),
                enforcement_level=spec.level,
                config_schema=_config_schema(spec.config),
            )
        )
    for stack_spec in STACK_POLICIES:
        policies.append(
            StackValidationPolicy(
                name=stack_spec.name,
                description=stack_spec.description,
                validate=_stack_validation(stack_spec),
                enforcement_level=stack_spec.level,
                config_schema=_config_schema(stack_spec.config),
            )
        )
    return policies


ALL_POLICIES = _build_policies()
ALL_SPECS: list[ResourcePolicySpec | StackPolicySpec] = [*RESOURCE_POLICIES, *STACK_POLICIES]
