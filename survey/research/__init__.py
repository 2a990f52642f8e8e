"""The raw, anonymous export of a round's answers for researchers (CSV, codebook, SPSS .sav)."""
