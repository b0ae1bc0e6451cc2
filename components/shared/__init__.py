"""Helpers several components share; none of them is a component itself.

Each builds plain resources under the component that calls it (`parent=` the caller), so a
resource's URN names the component it belongs to, never this package:

- `tags`: the tagged AWS providers and the per-resource Name tag
- `kms`: customer-managed, rotated KMS keys
- `buckets`: private, protected S3 buckets and the statement that refuses plain HTTP
- `secrets`: passwords and keys the program draws once and keeps as secrets
- `network_access`: a data store's security group admitting the Kubernetes cluster
- `iam`: trust policies for AWS services and for Kubernetes service accounts (EKS Pod Identity)
"""
