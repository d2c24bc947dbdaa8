"""Read queries of the training app: personnel (ДЖ-12); seminars go beside."""

from .personnel import *  # noqa: F403
