"""SCIM 2.0 provisioning (RFC 7643, RFC 7644): an identity provider keeps people and
their reporting lines current through ``/scim/v2/``. Payloads are read and written with
``scim2-models``; every change goes through the writer the CSV import uses."""
