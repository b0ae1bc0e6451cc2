"""The documents a reviewer hands the tools, read once for all of them.

`reader.py` reads a plan document (`make plan JSON=…`), `pulumi preview --json` or
`pulumi stack export` into one list of resource records. Pricing, `preflight check`, `cost`,
`diff` and `scan` all read through it; it imports nothing of the project, so the program, the
policy pack and the offline tool may all use it.
"""
