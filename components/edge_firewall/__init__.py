"""The CLOUDFRONT-scope web ACL in front of the distribution, its rules and its request logs."""

from components.edge_firewall.component import EdgeFirewall, EdgeFirewallArgs

__all__ = ["EdgeFirewall", "EdgeFirewallArgs"]
