"""Case-account reconciliation for court enforcement funds (一案一账号).

The domain and its use cases; no Flask here.
"""
