"""The text of a new stack file: one template per kind of environment, filled for a region.

`production` is the guide's full shape (three zones, a NAT gateway per zone, two Aurora
instances on Graviton, cache shards with replicas, a backup copy in the partner region);
`staging` (also used for `development`) is the same program smaller: two zones, one NAT gateway,
burstable data tier, Spot allowed for Karpenter. Values that must become your own keep the
reserved example names (example.com, `ghcr.io/example`, account 123456789012), which the advisory
policy `placeholders` and the plan's summary list until they are replaced.
"""

from __future__ import annotations

from string import Template

EXAMPLE_IMAGE = "ghcr.io/example/email-platform@sha256:2a9237a5c526daebb6fb1f0c37bd231de3f5a37d9e1e8d13e170ee16b0295ff4"

# Per environment: network range, guardrails, budget (the limits a pull request may not cross
# without the `cost-approved` label, set above the plan's figure in the priced regions).
ENVIRONMENT_SETTINGS: dict[str, dict[str, str]] = {
    "production": {"cidr": "10.40.0.0/16", "max_monthly": "3000", "max_increase": "300", "max_percent": "15", "budget": "3500"},
    "staging": {"cidr": "10.50.0.0/16", "max_monthly": "1000", "max_increase": "150", "max_percent": "25", "budget": "1200"},
    "development": {"cidr": "10.60.0.0/16", "max_monthly": "1000", "max_increase": "150", "max_percent": "25", "budget": "1200"},
}

_HEADER = """\
# Stack $name: $environment in $region ($region_name), written by `python -m preflight new-stack`.
# Secrets are never in this file: pulumi config set --secret emailApiKey <key> --stack $name
# The values to make your own are listed at the end of the file.
config:
  aws:region: $region
  email-platform:environment: $environment
  email-platform:domain: $domain
  email-platform:tags:
    owner: platform-team               # the Owner tag on every AWS resource
    costCenter: email-platform         # the CostCenter tag
  email-platform:network:
    cidr: $cidr                # change it if it overlaps a network you peer with
    availabilityZones: $zones
"""

_PRODUCTION = """\
    natGateways: perAz
    flowLogRetentionDays: 365
  email-platform:cluster:
    version: "1.35"
    upgradePolicy: STANDARD
    # Who may use the Kubernetes API besides the CI roles (email-platform:ci below): EKS access
    # entries. Nobody assumes another role to reach the cluster: each identity (a CI job's role,
    # a person's profile) signs in as itself and needs its own entry, here or in ci.
    access:
      "arn:aws:iam::123456789012:role/email-platform-admin": AmazonEKSClusterAdminPolicy
      "arn:aws:iam::123456789012:role/email-platform-oncall": AmazonEKSViewPolicy
    endpointPublicAccess: true
    publicAccessCidrs: [0.0.0.0/0]     # narrow to your runners' or VPN's ranges
    logRetentionDays: 365
    nodeGroup:
      instanceTypes: [m6i.xlarge]
      minSize: 3
      desiredSize: 3
      maxSize: 9
      diskSizeGib: 100
      labels:
        workload: email-platform
    nodePool:
      architectures: [x86_64]
      capacityTypes: [on-demand]
      cpuLimit: 48
  email-platform:database:
    engineVersion: "16.9"
    parameterGroupFamily: aurora-postgresql16
    instanceClass: db.r7g.large
    instances: 2
    readReplicaScaling:
      minReplicas: 1
      maxReplicas: 5
      targetCpuPercent: 70
    backupRetentionDays: 14
    backupWindow: "03:00-04:00"
    maintenanceWindow: "sun:04:30-sun:05:30"
    performanceInsightsRetentionDays: 7
    logRetentionDays: 365
  email-platform:redis:
    engine: valkey
    engineVersion: "8.0"
    parameterGroupFamily: valkey8
    nodeType: cache.r7g.large
    shards: 2
    replicasPerShard: 1
    snapshotRetentionDays: 7
    snapshotWindow: "02:00-03:00"
    maintenanceWindow: "sun:05:30-sun:06:30"
    logRetentionDays: 365
  email-platform:edge:
    hostedZone: $hosted_zone
    subjectAlternativeNames: ["*.$domain"]
    sslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-2021-06
    hstsMaxAgeSeconds: 63072000
    internalCa:
      algorithm: ECDSA
      certValidityHours: 2160
      earlyRenewalHours: 720
    targetGroup:
      deregistrationDelaySeconds: 30
      slowStartSeconds: 30
    waf:
      enabled: true
      rateLimitPer5Minutes: 2000
    accessLogs:
      retentionDays: 365
  email-platform:cdn:
    subdomain: static
    minimumProtocolVersion: TLSv1.3_2025
    priceClass: PriceClass_All
    logging:
      enabled: true
      retentionDays: 365
  email-platform:app:
    blue:
      image: $image
      replicas: 3
      weight: 100
    green:
      image: $image
      replicas: 0
      weight: 0
    resources:
      requests: {cpu: 500m, memory: 1Gi}
      limits: {cpu: "2", memory: 2Gi}
    autoscaling: {minReplicas: 3, maxReplicas: 12, cpuTargetPercent: 70, memoryTargetPercent: 80}
    imageArchitectures: [x86_64, arm64]
    shutdown: {preStopSeconds: 40, drainSeconds: 20, terminationGracePeriodSeconds: 75}
  email-platform:monitoring:
    notifications:
      emails: [oncall@example.com]
    canaryRegions: $canary_regions   # $canary_why
    budget:
      monthlyUsd: $budget
      emails: [finance@example.com]
  email-platform:integrations:
    events:
      archiveRetentionDays: 365
  email-platform:observability:
    logRetentionDays: 365
  email-platform:backup:
    copyRegion: $copy_region                 # $copy_why
    retentionDays: 35
  email-platform:registry:
    keepImages: 30
    manageScanning: true               # one stack per account owns the account's ECR scanning setting
  email-platform:costUsage:
    aws:ec2/natGateway:NatGateway: {monthly_data_processed_gb: 200}
    aws:ec2/flowLog:FlowLog: {monthly_data_ingested_gb: 50}
    aws:lb/loadBalancer:LoadBalancer: {lcu_hours: 1460}
    aws:rds/cluster:Cluster: {storage_gb: 200, monthly_io_requests: 100000000}
    aws:rds/clusterInstance:ClusterInstance: {enhanced_monitoring_gb: 0.5}
    aws:cloudfront/distribution:Distribution: {monthly_data_transfer_to_internet_gb: 1000, monthly_https_requests: 20000000}
    aws:s3/bucket:Bucket: {storage_gb: 50}
    aws:cloudwatch/logGroup:LogGroup: {monthly_data_ingested_gb: 5, storage_gb: 20}
    aws:wafv2/webAcl:WebAcl: {monthly_requests: 20000000}
    aws:backup/plan:Plan: {storage_gb: 400, monthly_copy_gb: 300}
    aws:ecr/repository:Repository: {storage_gb: 9, monthly_images_pushed: 20, monthly_image_rescans: 30}
    aws:sqs/queue:Queue: {monthly_requests: 300000}
"""

_STAGING = """\
    natGateways: single
    flowLogRetentionDays: 30
  email-platform:cluster:
    version: "1.35"
    upgradePolicy: STANDARD
    # Who may use the Kubernetes API besides the CI roles (email-platform:ci below): EKS access
    # entries. Nobody assumes another role to reach the cluster: each identity (a CI job's role,
    # a person's profile) signs in as itself and needs its own entry, here or in ci.
    access:
      "arn:aws:iam::123456789012:role/email-platform-admin": AmazonEKSClusterAdminPolicy
      "arn:aws:iam::123456789012:role/email-platform-oncall": AmazonEKSViewPolicy
    endpointPublicAccess: true
    publicAccessCidrs: [0.0.0.0/0]     # narrow to your runners' or VPN's ranges
    logRetentionDays: 30
    nodeGroup:
      instanceTypes: [m7g.xlarge]
      minSize: 2
      desiredSize: 2
      maxSize: 4
      diskSizeGib: 100
      labels:
        workload: email-platform
    nodePool:
      architectures: [arm64]
      capacityTypes: [on-demand, spot]
      cpuLimit: 16
  email-platform:database:
    engineVersion: "16.9"
    parameterGroupFamily: aurora-postgresql16
    instanceClass: db.t4g.medium
    instances: 2
    readReplicaScaling:
      minReplicas: 1
      maxReplicas: 2
    backupRetentionDays: 7
    logRetentionDays: 30
  email-platform:redis:
    engine: valkey
    engineVersion: "8.0"
    parameterGroupFamily: valkey8
    nodeType: cache.t4g.medium
    shards: 1
    replicasPerShard: 1
    snapshotRetentionDays: 1
    logRetentionDays: 30
  email-platform:edge:
    hostedZone: $hosted_zone
    subjectAlternativeNames: ["*.$domain"]
    sslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-2021-06
    internalCa:
      algorithm: ECDSA
      certValidityHours: 2160
      earlyRenewalHours: 720
    targetGroup:
      deregistrationDelaySeconds: 30
      slowStartSeconds: 30
    waf:
      enabled: true
    accessLogs:
      retentionDays: 30
  email-platform:cdn:
    subdomain: static
    minimumProtocolVersion: TLSv1.3_2025
    priceClass: PriceClass_100
    logging:
      enabled: true
      retentionDays: 30
  email-platform:app:
    blue:
      image: $image
      replicas: 2
      weight: 100
    green:
      image: $image
      replicas: 0
      weight: 0
    resources:
      requests: {cpu: 250m, memory: 512Mi}
      limits: {cpu: "1", memory: 1Gi}
    autoscaling: {minReplicas: 2, maxReplicas: 4, cpuTargetPercent: 70, memoryTargetPercent: 80}
    imageArchitectures: [x86_64, arm64]
    shutdown: {preStopSeconds: 40, drainSeconds: 20, terminationGracePeriodSeconds: 75}
  email-platform:monitoring:
    notifications:
      emails: [platform-$environment@example.com]
    evaluationPeriods: 5
    canaryRegions: $canary_regions   # $canary_why
    budget:
      monthlyUsd: $budget
      emails: [platform-leads@example.com]
  email-platform:integrations:
    events:
      archiveRetentionDays: 30
  email-platform:observability:
    logRetentionDays: 30
  email-platform:backup:
    retentionDays: 7
    # Recovery points stay in $region; to copy them too (as production does), in the same jurisdiction:
    # copyRegion: $copy_region
  email-platform:registry:
    keepImages: 30
    manageScanning: false              # the production stack owns the account's scanning setting
  email-platform:costUsage:
    aws:ec2/natGateway:NatGateway: {monthly_data_processed_gb: 20}
    aws:ec2/flowLog:FlowLog: {monthly_data_ingested_gb: 5}
    aws:lb/loadBalancer:LoadBalancer: {lcu_hours: 730}
    aws:rds/cluster:Cluster: {storage_gb: 20, monthly_io_requests: 5000000}
    aws:rds/clusterInstance:ClusterInstance: {enhanced_monitoring_gb: 0.5}
    aws:cloudfront/distribution:Distribution: {monthly_data_transfer_to_internet_gb: 50, monthly_https_requests: 1000000}
    aws:s3/bucket:Bucket: {storage_gb: 5}
    aws:cloudwatch/logGroup:LogGroup: {monthly_data_ingested_gb: 1, storage_gb: 2}
    aws:wafv2/webAcl:WebAcl: {monthly_requests: 1000000}
    aws:backup/plan:Plan: {storage_gb: 20}
    aws:ecr/repository:Repository: {storage_gb: 9, monthly_images_pushed: 40, monthly_image_rescans: 30}
    aws:sqs/queue:Queue: {monthly_requests: 300000}
"""

# The CI workflows' roles (docs/ci-setup.md: vars.AWS_DEPLOY_ROLE_ARN, AWS_PREVIEW_ROLE_ARN,
# AWS_DRIFT_ROLE_ARN): each gets its EKS access entry from here. Without one, EKS does not
# authenticate the job's token and the preview or the daily refresh fails.
_CI = """\
  email-platform:ci:
    deployRole: arn:aws:iam::123456789012:role/email-platform-deploy     # cluster admin (pulumi up)
    previewRole: arn:aws:iam::123456789012:role/email-platform-preview   # view + chart lookups (pulumi preview)
    driftRole: arn:aws:iam::123456789012:role/email-platform-drift       # view + refresh reads (pulumi refresh)
"""

_GUARDRAILS = """\
  # A pull request that crosses one of these fails unless it carries the label `cost-approved`
  # (docs/cost.md). A resource the catalogue cannot price refuses the plan (unpriced: refuse).
  email-platform:costGuardrails:
    maxMonthlyUsd: $max_monthly
    maxIncreaseUsd: $max_increase
    maxIncreasePercent: $max_percent
    unpriced: refuse
"""


def stack_text(environment: str, values: dict[str, str]) -> str:
    """The stack file (without the closing list of values to make your own)."""
    body = _PRODUCTION if environment == "production" else _STAGING
    return Template(_HEADER + body + _CI + _GUARDRAILS).substitute(values)
