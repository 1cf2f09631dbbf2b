"""Wiring: settings, database, ledger service, rendering, the Dispatcher and the ways to run it."""
