"""What the tests and the benchmarks both use to stand up real parts: Argos packages built from numpy weights
(argos_models.py, phrase_books.py), the real backend as a process (backend_process.py), sample cases
(samples.py), and the rig for a whole video call (call_rig.py, call_translator.py). Never imported by the
product; never imports the tests."""
