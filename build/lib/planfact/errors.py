"""Errors that the command line turns into a one-line message and an exit code."""

__all__ = ["PlanfactError", "UsageError", "InputError"]


class PlanfactError(Exception):
    """A failure the user can act on; shown without a traceback, exit code 1."""

    exit_code = 1


class UsageError(PlanfactError):
    """A bad parameter, option or setting; exit code 2 like argparse."""

    exit_code = 2


class InputError(PlanfactError):
    """Bad input data: the message names the file, line and column; exit code 1."""
