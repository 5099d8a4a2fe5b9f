"""Self-care actions on a contract (SPEC §6, R-SIP-1..7, R-CON-5).

- `gating`       which actions a contract offers (booked option, status Aktiv, product)
- `changes`      every write to the network: pending → applied or failed, retry, audit, notice
- `forwardings`  failover (ecotel@once) and permanent forwarding rows, checked as one set
- `passwords`    new SIP and DSL passwords (shown once, encrypted at rest, never logged)
- `portal`       the portal's entry points: the signed-in customer's own contract only

Services take the acting user as an argument and never read the request.
"""
