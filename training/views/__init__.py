"""Pages of the training app: personnel (ДЖ-12); seminars go beside."""
