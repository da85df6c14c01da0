"""The browser layer: the only part of hizi-bridge that imports ``js`` / ``pyodide``."""
