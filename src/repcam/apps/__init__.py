"""Wiring: a source, the model, one exercise session and the sinks (live and recorded)."""
