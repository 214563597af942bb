"""On-device translation with Argos Translate, and the `models` command that provisions its models.

Importing this package is cheap: argostranslate (which pulls torch, stanza and spacy) is imported only by
kiosk.translation.argos_runtime, on the translator's worker thread or inside a `models` command.
"""
