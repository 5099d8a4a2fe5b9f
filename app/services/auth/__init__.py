"""Sign-in building blocks: PINs, one-time links, throttling/lockout, session validity."""
