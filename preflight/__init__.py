"""Offline tooling over the real program: plan (under Pulumi mocks), policy check, cost and diff.

Nothing here needs the Pulumi CLI or a cloud account.
"""
