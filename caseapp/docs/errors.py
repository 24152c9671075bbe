"""Errors a document raises when the case lacks a fact it must state."""

from __future__ import annotations


class MissingFact(Exception):
    """A document needs a fact the case does not have; the message names it for the user."""
