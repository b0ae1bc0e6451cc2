"""The rows of the mapping table, one module per area of the platform; `policy/aws_api/mappings.py`
joins them into `MAPPINGS`. A new type's row goes in its area's module, in that module's section for
its service."""
