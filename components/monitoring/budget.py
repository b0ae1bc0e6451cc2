"""What a month may cost: a budget that warns on the forecast and on the actual spend, and the
cost-allocation tags finance reports by (account-wide: see config.monitoring for why it is a switch)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from config.monitoring import BudgetSettings

# The cost-allocation tag whose value tells the environments apart (the providers stamp it).
ENVIRONMENT_TAG = "Environment"


def environment_filter(environment: str, active_tags: tuple[str, ...]) -> list[aws.budgets.BudgetCostFilterArgs] | None:
    """Only this environment's spend, once the Environment tag is an active cost-allocation tag.

    Budgets filters on a user tag as ``TagKeyValue`` = ``user:<key>$<value>`` (AWS Budgets API,
    ``CostFilters``; the Terraform provider's ``aws_budgets_budget`` cost_filter example). Before the
    tag is active Budgets cannot see it, so the budget watches the whole account instead.
    """
    if ENVIRONMENT_TAG not in active_tags:
        return None
    return [aws.budgets.BudgetCostFilterArgs(name="TagKeyValue", values=[f"user:{ENVIRONMENT_TAG}${environment}"])]


def monthly_budget(
    name: str,
    prefix: str,
    settings: BudgetSettings,
    topic: aws.sns.Topic,
    in_us_east_1: pulumi.ResourceOptions,
    cost_filters: list[aws.budgets.BudgetCostFilterArgs] | None = None,
) -> aws.budgets.Budget:
    def notification(kind: str, percent: float) -> aws.budgets.BudgetNotificationArgs:
        return aws.budgets.BudgetNotificationArgs(
            notification_type=kind,
            comparison_operator="GREATER_THAN",
            threshold=percent,
            threshold_type="PERCENTAGE",
            subscriber_email_addresses=settings.emails or None,
            subscriber_sns_topic_arns=[topic.arn],
        )

    return aws.budgets.Budget(
        f"{name}-budget",
        name=f"{prefix}-monthly",
        budget_type="COST",
        time_unit="MONTHLY",
        limit_amount=f"{settings.monthly_usd:.2f}",
        limit_unit="USD",
        notifications=[notification("FORECASTED", settings.forecasted_percent), notification("ACTUAL", settings.actual_percent)],
        cost_filters=cost_filters,
        opts=in_us_east_1,
    )


def cost_allocation_tags(
    name: str, keys: tuple[str, ...], in_us_east_1: pulumi.ResourceOptions
) -> list[aws.costexplorer.CostAllocationTag]:
    """Activates the tags the providers stamp (payer account only; none unless config turns it on)."""
    return [
        aws.costexplorer.CostAllocationTag(f"{name}-tag-{key.lower()}", tag_key=key, status="Active", opts=in_us_east_1) for key in keys
    ]
