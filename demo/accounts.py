"""The demo's accounts, importable without Django set up (bin/demo prints them)."""

# Local demonstration only: every demo account has this well-known password.
PASSWORD = "demo-riverains-2026"
SUPERUSER = "admin"
