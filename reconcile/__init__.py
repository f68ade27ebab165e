"""Case-account reconciliation for court enforcement funds (一案一账号).

The top-level modules here (money, cases, ledger, matching, holds, disbursements,
approvals, deadlines, alerts, audit, …) are the domain: they import the standard library,
each other, and the importers' Statement types, and nothing else of ours or the web's:
not Flask, not SQLAlchemy, not reconcile.db, reconcile.services or api. Below them the
use cases (reconcile.services) and persistence (reconcile.db). `lint-imports` checks
this (the contracts are in pyproject.toml).
"""
