"""Subcommands of the ``planfact`` command line, one module per noun."""
