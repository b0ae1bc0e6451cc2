"""AWS's API model for every input: botocore's request shapes and the services' documented rules.

`mappings` (which call creates each resource type and how its inputs map), `checker` (the walk),
`service_rules` (rules only the docs state), `patterns` (the models' regexes for Python), `models`
(botocore's models, read per service on first use). `policy/api_model.py` makes the policies.
"""
