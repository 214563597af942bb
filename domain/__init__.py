"""The Politieloket domain that kiosk and backend share: pure Python, no frameworks."""
