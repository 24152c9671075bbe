"""The Settings dialog, one module per page (see dialog.py for the dialog itself)."""
