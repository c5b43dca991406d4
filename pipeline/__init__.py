"""DealPulse: follows AI deals in the news."""

__version__ = "0.1.0"
