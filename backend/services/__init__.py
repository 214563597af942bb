"""The services: plain Python over the storage. They take and return domain values and the API views
(services/schemas.py) and raise services.errors when they refuse; they know nothing of HTTP."""
