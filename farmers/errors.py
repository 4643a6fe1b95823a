"""Domain errors with messages in Chinese and English, naming the field (and row)."""

from outbox.errors import PermanentError
from texts.bilingual import bilingual


class SupplyError(PermanentError):
    """An expected refusal: bad input or a rule of the domain. Nothing was changed."""

    def __init__(self, zh: str, en: str, *, field: str | None = None):
        self.zh, self.en, self.field = zh, en, field
        super().__init__(bilingual(zh, en))

    @property
    def message(self) -> str:
        return bilingual(self.zh, self.en)


class StockError(SupplyError):
    pass


class SettlementError(SupplyError):
    """A refusal of a settlement change (terms, payee, payout, surplus); nothing was changed.

    ``problems`` lists every row's problem when a whole file is refused.
    """

    def __init__(self, zh: str, en: str, *, field: str | None = None, problems=()):
        super().__init__(zh, en, field=field)
        self.problems = list(problems)
