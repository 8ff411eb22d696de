"""The built-in scorers. Each module is an ordinary plugin, registered like a sector's."""
