"""Operations: alarms for the guide's success metrics, who hears of them, a dashboard, a budget.

- `component`: the Monitoring component, which only composes the modules below
- `args`: the identifiers of what it watches
- `alarms`: how an alarm is made (metric, rate, naming, the "service degraded" composite)
- `alarms_edge`, `alarms_data`, `alarms_app`: the alarms per tier
- `canaries`, `canary_alarms`: the Synthetics canaries that call the health endpoint over TLS 1.3 per region, and their alarms
- `slos`, `slo_series`, `slo_alarms`, `burn_rates`: the SLOs' burn-rate alarms (what is measured, which
  windows page and which open a ticket), the tickets topic, and what the release gate reads
- `notifications`: the encrypted SNS topics and their subscriptions
- `dashboard`, `budget`: the dashboard; the monthly budget and cost-allocation tags
"""

from components.monitoring.args import ContainerWatch, MonitoringArgs
from components.monitoring.component import Monitoring

__all__ = ["ContainerWatch", "Monitoring", "MonitoringArgs"]
