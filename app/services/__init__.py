"""Business operations. Each validates first, then writes in one transaction."""
