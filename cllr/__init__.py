"""cllr: answers over council committee papers, cited to item and page."""
