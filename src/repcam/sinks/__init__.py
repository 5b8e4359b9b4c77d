"""Sinks: where analysis results go (overlay, video, voice, session log, report).

They consume landmarks, angles and events; none of them decides anything about exercises.
"""
