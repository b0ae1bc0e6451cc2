"""The traffic step: the app's share of the HTTPS listener, one rule forwarding to the colours by weight.

Moving traffic (blue-green, canary, rollback) changes only this rule: its priority is fixed, so
new weights update it in place, and it waits for every colour it sends traffic to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from config.app import COLOURS

# Fixed, so that moving weights updates the rule in place; the load balancer's per-colour rules sit ahead of it.
TRAFFIC_RULE_PRIORITY = 100
MAX_WEIGHT = 999  # ALB's per-target-group weight range is 0-999


@dataclass
class TrafficSplitArgs:
    listener_arn: pulumi.Input[str]
    target_group_arns: dict[str, pulumi.Input[str]]  # "blue" / "green"
    weights: dict[str, int]
    # Resources that must be complete before any request reaches a colour (its rollout, its binding).
    ready: Sequence[pulumi.Resource] = ()
    # Match this Host header; None matches every path on the listener.
    host: str | None = None
    priority: int = TRAFFIC_RULE_PRIORITY
    colours: tuple[str, ...] = field(default=COLOURS)

    def __post_init__(self) -> None:
        for what, keys in (("target_group_arns", set(self.target_group_arns)), ("weights", set(self.weights))):
            if keys != set(self.colours):
                raise ValueError(f"{what} must have exactly the keys {', '.join(self.colours)}, got {', '.join(sorted(keys))}")
        for colour, weight in self.weights.items():
            if not 0 <= weight <= MAX_WEIGHT:
                raise ValueError(f"weight of {colour} is {weight}; ALB allows 0-{MAX_WEIGHT}")
        if sum(self.weights.values()) == 0:
            raise ValueError("at least one colour needs a weight above 0")


class TrafficSplit(pulumi.ComponentResource):
    """The app's share of the HTTPS listener: one rule forwarding to both colours by weight."""

    rule: aws.lb.ListenerRule

    def __init__(self, name: str, args: TrafficSplitArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:edge:TrafficSplit", name, None, opts)
        condition = (
            aws.lb.ListenerRuleConditionArgs(host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[args.host]))
            if args.host is not None
            else aws.lb.ListenerRuleConditionArgs(path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=["/*"]))
        )
        self.rule = aws.lb.ListenerRule(
            f"{name}-rule",
            listener_arn=args.listener_arn,
            priority=args.priority,
            conditions=[condition],
            actions=[
                aws.lb.ListenerRuleActionArgs(
                    type="forward",
                    forward=aws.lb.ListenerRuleActionForwardArgs(
                        target_groups=[
                            aws.lb.ListenerRuleActionForwardTargetGroupArgs(arn=args.target_group_arns[c], weight=args.weights[c])
                            for c in args.colours
                        ],
                        # No stickiness: a weight change must move requests now, not when sessions end.
                        stickiness=aws.lb.ListenerRuleActionForwardStickinessArgs(enabled=False, duration=1),
                    ),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.ready)),
        )
        self.register_outputs({})
