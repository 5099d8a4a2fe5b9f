"""The product's forms as declarations (WTForms through Flask-WTF): fields, limits and checks.

One package for every area, because the sign-in pages (`app/security/auth_views.py`) and
the account and portal pages (`app/views/…`) all use them and neither may import the
other's views. A form checks what a single field can tell (required, length, the
username and password rules of R-AUTH-1/2 from `app.services.account_rules`); the
services still check everything that needs the database or the account, and
`EServiceForm.take_errors` puts their messages at the fields they concern.
Templates render every field through `_form_macros.html`.
"""
