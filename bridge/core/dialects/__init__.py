"""Dialects: translators between typed messages and one lobby's wire form."""

from .appendix_a import APPENDIX_A, AppendixA
from .base import Dialect

__all__ = ["APPENDIX_A", "AppendixA", "Dialect"]
