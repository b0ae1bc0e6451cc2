"""`python -m preflight.force_new_extract`: the extractor's command line (`cli.py`)."""

import sys

from preflight.force_new_extract.cli import main

sys.exit(main(sys.argv[1:]))
