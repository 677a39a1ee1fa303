"""Pages of a long list: which page to show and which rows it holds."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Pager:
    """One page of a list of ``total`` rows, ``size`` rows a page, numbered from 1."""

    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        """Return how many pages the list has (one, however short the list)."""
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        """Return the index of the page's first row in the list."""
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        """Return the index after the page's last row."""
        return min(self.start + self.size, self.total)

    def links(self) -> list[int | None]:
        """Return the page numbers to link: the first, the last and two either side of this
        one; None stands for the pages left out between them (two or more)."""
        near = {1, self.count, *range(self.number - 2, self.number + 3)}
        numbers = sorted(n for n in near if 1 <= n <= self.count)
        shown: list[int | None] = []
        for number in numbers:
            if shown and number - shown[-1] == 2:
                shown.append(number - 1)  # a gap of one page shows the page itself
            elif shown and number - shown[-1] > 2:
                shown.append(None)
            shown.append(number)
        return shown


def page_number(text: str | None) -> int:
    """Return the page a ``page`` parameter names; 1 for a missing or odd one."""
    text = (text or "").strip()
    return (
        int(text)
        if text.isascii() and text.isdecimal() and 0 < len(text) < 7 and int(text) > 0
        else 1
    )


def pager(total: int, wanted: int, size: int) -> Pager:
    """Return the wanted page of a list, or its last page when the list is shorter."""
    last = max(1, -(-total // size))
    return Pager(number=min(max(wanted, 1), last), size=size, total=total)
