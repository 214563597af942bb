"""Everything that runs on the kiosk. Imports the shared domain, never the backend."""
