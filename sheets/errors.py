"""What the reader says when it refuses a file or finds a wrong total."""

from dataclasses import dataclass


class SheetRefused(Exception):
    """The file as a whole cannot be read; nothing in it was used."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class SheetError:
    """A problem the reader found in one row (a totals row that does not add up)."""

    row: int  # as Excel numbers it, title rows included
    column: str  # the import's column key
    zh: str  # whole sentences, row and column named
    en: str

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"
