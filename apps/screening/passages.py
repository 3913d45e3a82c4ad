"""The side-by-side view of a suspicious pair: both texts cut into (segment, matched) runs."""

from .services import similarity_index_for_call
from .similarity import highlight_spans


def side_by_side(pair) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Rebuilds the call's index so boilerplate is discounted exactly as when the pair was
    found (the document frequencies depend on the whole corpus)."""
    index, _current = similarity_index_for_call(call=pair.call)
    a, b = str(pair.application_id), str(pair.other_id)
    passages = index.matching_passages(a, b)
    left = highlight_spans(index.text(a), [p.span_a for p in passages])
    right = highlight_spans(index.text(b), [p.span_b for p in passages])
    return left, right
