"""hizi's own Operator API "Appendix A" form: ``{type, data}``. The default dialect."""

from __future__ import annotations

from ..messages import Direction, Message
from ..wire import dump, parse_object


class AppendixA:
    """Identity translation: our catalog *is* Appendix A plus marked extensions.

    Stateless, so one instance serves every channel.
    """

    name = "appendix_a"
    handshake = True

    def decode(self, value: object, direction: Direction) -> Message:
        return parse_object(value, direction=direction, limits=None)

    def encode(self, message: Message) -> dict[str, object]:
        return dump(message)

    def holds(self, message: Message) -> bool:
        return False

    def sent(self, message: Message) -> None:
        pass

    def received(self, message: Message) -> None:
        pass


APPENDIX_A = AppendixA()
