"""Every change in document control: the register, external documents, letters."""
