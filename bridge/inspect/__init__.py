"""hizi-bridge inspect: a conformance suite for other people's games and lobbies.

``python -m bridge.inspect game URL`` embeds a game in the inspector's own harness lobby (served
on a second local origin) and runs the numbered cases of ``cases.CASES``; ``lobby URL`` loads a
lobby with the inspector's conformance game in its iframe. Every message the target posts or
receives is captured in the browser by ``pages/instrument.js`` and validated here, in CPython,
with ``bridge.core``: the harness never relies on hizi-bridge's own JavaScript runtime.
"""
