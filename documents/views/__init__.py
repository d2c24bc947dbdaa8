"""Document control pages: the register, external documents, letters."""
