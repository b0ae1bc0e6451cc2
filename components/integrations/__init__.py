"""Cross-team integrations: deployment events other teams listen to, and feature-flag rollouts.

- `component`: the Integrations component, which composes the modules below and grants the
  pipeline and the app their few rights
- `events`: the bus, its archive, the on-call rule, the outside listeners, the dashboard markers
- `feature_flags`: the AppConfig application, environment (watching the alarm), profile, strategy
"""

from components.integrations.component import Integrations, IntegrationsArgs

__all__ = ["Integrations", "IntegrationsArgs"]
