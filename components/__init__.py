"""One ComponentResource per concern; each takes typed args and never reads stack config itself."""
