"""The email app on Kubernetes (see `component` for how a rollout stays safe).

- `component`: the App itself, composing everything below
- `args`: what it needs from the rest of the stack
- `names`: names and labels its Kubernetes objects share
- `environment`: the guide's variables, plain (ConfigMap) and secret (Secret)
- `pod`: the pod template (container, probes, security context, spread)
- `network_policy`: what may reach the pods and what they may reach
- `colour`: one colour's Service, TargetGroupBinding, Deployment, PDB and HPA
- `lb_controller`: the AWS Load Balancer Controller that binds pods to the target groups
"""

from components.app.args import AppArgs, AppCluster, AppSecrets, AppTraffic
from components.app.component import App

__all__ = ["App", "AppArgs", "AppCluster", "AppSecrets", "AppTraffic"]
