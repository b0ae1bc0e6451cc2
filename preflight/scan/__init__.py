"""`preflight scan`: the plan in Terraform's plan format, judged by checkov's AWS checks."""
