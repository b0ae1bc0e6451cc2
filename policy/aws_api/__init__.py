"""AWS's API model for every input: botocore's request shapes and the services' documented rules.

`mappings` (which call creates each resource type and how its inputs map; its rows live in `rows/`,
one module per area, each row an `api_mapping.ApiMapping`), `checker` (the verdict on one resource)
with `walk` (the inputs beside the request shapes), `scalar_checks` (one value against its shape) and
`input_paths`, `service_rules` (rules only the docs state), `patterns` (the models' regexes for
Python), `models` (botocore's models, read per service on first use). `policy/api_model.py` makes
the policies.
"""
