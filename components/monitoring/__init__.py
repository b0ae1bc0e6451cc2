"""Operations: alarms for the guide's success metrics, who hears of them, a dashboard, a budget.

- `component`: the Monitoring component, which only composes the modules below
- `args`: the identifiers of what it watches
- `alarms`: how an alarm is made (metric, rate, naming, the "service degraded" composite)
- `alarms_edge`, `alarms_data`, `alarms_app`: the alarms per tier
- `uptime`: the Route 53 check of the app's health endpoint and its alarm
- `notifications`: the encrypted SNS topics and their subscriptions
- `dashboard`, `budget`: the dashboard; the monthly budget and cost-allocation tags
"""

from components.monitoring.args import ContainerWatch, MonitoringArgs
from components.monitoring.component import Monitoring

__all__ = ["ContainerWatch", "Monitoring", "MonitoringArgs"]
