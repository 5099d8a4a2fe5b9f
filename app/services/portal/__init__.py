"""Read side of the customer portal (SPEC §3-§5, §9, §10, §13).

Every query here goes through `app.services.tenancy`, so it only ever sees the
signed-in user's customer. Functions return rows or small dataclasses; views
only render them.
"""
