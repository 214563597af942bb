"""Store-and-forward to the backend: the outbox the flow writes to and the sender that drains it.

wiring.open_delivery builds both from Settings; outbox.SqlOutbox seals each case (sealing) and keeps it in
SQLite; sender.Sender sends on its own thread through a backend_client.BackendClient, here
httpx_client.HttpxBackendClient. Importing this package is cheap: SQLAlchemy and httpx load with those modules.
"""
