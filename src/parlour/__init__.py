"""Parlour: a self-hosted media server that works alone and collects nothing without consent."""

__version__ = "0.1.0"
