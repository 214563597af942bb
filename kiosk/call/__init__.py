"""Video calls from the kiosk to an officer: aiortc media, signalling through the backend, translated chat.

service.CallService is what the app uses; session.CallSession holds the rules; the adapters (AiortcCall,
WebsocketSignalling, the PyAV media sources, RemoteVideo for Kivy) are named after their technology.
"""
