"""Sortable table headers, shared by every list page."""


def sort_columns(columns: list[tuple[str, str, bool]], current: str) -> list[dict]:
    """Header cells for a sortable table: each links to the same page sorted by its column,
    reversing the order when it is already the sort key, and says how it is sorted now."""
    result = []
    key = (current or "").lstrip("-")
    descending = (current or "").startswith("-")
    for column, label, numeric in columns:
        if column == key:
            aria_sort = "descending" if descending else "ascending"
            next_sort = column if descending else f"-{column}"
        else:
            aria_sort = None
            # Numbers and dates read most usefully largest or latest first on the first click.
            next_sort = f"-{column}" if numeric and column != "next_end" else column
        result.append(
            {"key": column, "label": label, "numeric": numeric, "aria_sort": aria_sort, "next": next_sort}
        )
    return result
