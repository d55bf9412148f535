"""Every SQL statement, view and function of planfact, shipped as package data ``planfact._sql``.

Not Python: this file only makes the folder a package so that ``importlib.resources``
finds the ``.sql`` files both in a checkout (editable install) and in an installed wheel.
"""
