"""Helpers for vigil's network tier: namespaces, daemons, captures, waits."""
