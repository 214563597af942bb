"""Live captions in a call: voice activity, speech recognition (Whisper) and translation, all on the kiosk."""
