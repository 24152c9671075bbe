"""The Qt window: main window, pipeline views, case workspace, dashboard and dialogs.

It talks to caseapp.services only (read models in, commands out); see docs/ARCHITECTURE.md.
"""
