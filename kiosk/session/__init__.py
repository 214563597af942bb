"""The resident's session as pure Python: no Kivy, no network, no disk.

flow.SessionFlow is the state machine, states.FlowState what it hands the screens to render, payloads.build_payload
the case it hands the outbox on submit, and touches.Touches the typed way a screen's touch calls the flow.
"""
