"""What a person types, as an FTS5 query: every word a quoted prefix term, so that no
FTS syntax (NEAR, column filters, operators) gets through from a client."""

MAX_TERMS = 8  # words beyond these are ignored: each one is another pass over the index


def search_terms(words: str) -> list[str]:
    """The words' letters and digits, word by word (empty words dropped), at most
    MAX_TERMS of them."""
    terms = ["".join(ch for ch in word if ch.isalnum()) for word in words.split()]
    return [term for term in terms if term][:MAX_TERMS]


def prefix_query(terms: list[str]) -> str:
    """Entries holding a word that starts with each of ``terms``."""
    return " ".join(f'"{term}"*' for term in terms)
