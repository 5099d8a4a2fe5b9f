"""Security: the SecurityManager subclass, role declarations, tenant scoping."""
