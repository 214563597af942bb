"""`python -m kiosk [COMMAND]`: cli builds the parser; each command is a module named after it (run, provision,
status; `models` lives in kiosk.translation).
"""
