"""The sans-IO protocol core: pure Python, no browser imports, unit-tested under CPython."""
