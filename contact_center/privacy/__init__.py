"""Personal data as PIPL and GDPR ask: sealing the audit log's personal values under per-customer
keys, the access log, export, erasure and message retention. Design: docs/privacy.md."""
