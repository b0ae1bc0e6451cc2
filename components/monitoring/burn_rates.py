"""When a burning error budget pages and when it opens a ticket: multiwindow, multi-burn-rate alerts.

The burn rate is how fast an SLO spends its error budget: the share of bad events over a window
divided by the share the objective allows (1 = the budget lasts exactly the SLO's window). The
parameters are the Google SRE workbook's for a 30-day window ("Alerting on SLOs",
https://sre.google/workbook/alerting-on-slos/, table "Recommended parameters for a 99.9% SLO
alerting configuration"): page when 14.4x holds over 1 hour and over the last 5 minutes (2 % of the
budget gone in an hour), page when 6x holds over 6 hours and over the last 30 minutes (5 % in six
hours), and open a ticket when the budget burns at 1x for 3 days (10 %). The short window of a pair
makes the alert stop soon after the burn stops; the long one keeps a blip from paging.

Each window is one CloudWatch metric-math alarm whose period is the window (the default sliding
evaluation window: "The window advances each time the alarm is evaluated", CloudWatch User Guide,
"Alarm evaluation window"), so its one data point is the ratio over the whole window; a composite
alarm `ALARM(long) AND ALARM(short)` joins a pair. CloudWatch limits what fits (botocore cloudwatch
model, PutMetricAlarm.Period): "Period multiplied by EvaluationPeriods can't be more than 604,800
seconds. For alarms with a period of less than one hour (3,600 seconds), the total evaluation period
can't be longer than one day (86,400 seconds)", and no alarm period is longer than a day. Three days
is therefore three one-day data points that must all burn at 1x or more: a sustained burn, which is
what the ticket is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DAY = 86_400
HOUR = 3_600
# CloudWatch's limits on an alarm's evaluation (see the module docstring).
MAX_PERIOD_SECONDS = DAY
MAX_EVALUATION_SECONDS = 7 * DAY
MAX_SHORT_PERIOD_EVALUATION_SECONDS = DAY


@dataclass(frozen=True)
class Window:
    """`periods` data points of `seconds / periods` each, `datapoints` of which must breach."""

    label: str
    seconds: int
    periods: int = 1
    datapoints: int = 1

    @property
    def period(self) -> int:
        return self.seconds // self.periods


@dataclass(frozen=True)
class BurnAlert:
    name: Literal["fast", "slow", "ticket"]
    factor: float
    long: Window
    # None: one window alone (the ticket).
    short: Window | None
    action: Literal["page", "ticket"]

    @property
    def windows(self) -> tuple[Window, ...]:
        return (self.long,) if self.short is None else (self.long, self.short)


FAST = BurnAlert("fast", 14.4, Window("1h", HOUR), Window("5m", 300), "page")
SLOW = BurnAlert("slow", 6.0, Window("6h", 6 * HOUR), Window("30m", 1800), "page")
TICKET = BurnAlert("ticket", 1.0, Window("3d", 3 * DAY, periods=3, datapoints=3), None, "ticket")
BURN_ALERTS = (FAST, SLOW, TICKET)


def fits_cloudwatch(window: Window) -> bool:
    """Whether an alarm over this window is one CloudWatch accepts."""
    total = window.period * window.periods
    if window.period % 60 or window.period > MAX_PERIOD_SECONDS or total > MAX_EVALUATION_SECONDS:
        return False
    return window.period >= HOUR or total <= MAX_SHORT_PERIOD_EVALUATION_SECONDS
