"""Slowing down password guessing for one account without locking its owner out.

Failed logins are counted per account (the cleaned address the login uses) and per client
address. Once an account has had as many failures as its budget allows, each further
try must wait: the first wait is ``base_delay`` seconds and it doubles with each further
failure, up to the length of the window. The wait holds only for client addresses that
have failed recently themselves: the account's owner, trying from an address that has
not failed, is asked for the password as usual, so an attacker cannot lock a known
user out by failing on purpose. The price: an attacker with many addresses gets one
guess per address and window once the budget is spent, on top of the per-address limit.

Counters live in the rate limiter's storage (memory, or Redis shared by all workers),
which keeps whole-number counters with an expiry; the time of the n-th failure of an
account is kept as a counter of its own.
"""

import time
from dataclasses import dataclass

from limits.storage import Storage


@dataclass(frozen=True)
class LoginThrottle:
    """Per-account failure counts with a growing wait, in a rate-limit storage."""

    storage: Storage
    prefix: str
    budget: int  # failures of an account before the waits begin
    window: int  # seconds a failure is remembered
    base_delay: int  # seconds of the first wait

    def _account(self, account: str) -> str:
        return f"{self.prefix}/login-account-failures/{account}"

    def _address(self, address: str) -> str:
        return f"{self.prefix}/login-address-failures/{address}"

    def wait_seconds(self, account: str, address: str, now: float | None = None) -> int:
        """Return how long a login of the account from the address must still wait (0: none)."""
        failures = self.storage.get(self._account(account))
        if failures < self.budget or not self.storage.get(self._address(address)):
            return 0
        last = self.storage.get(f"{self._account(account)}/at/{failures}")
        delay = min(self.base_delay * 2 ** (failures - self.budget), self.window)
        now = time.time() if now is None else now
        return max(0, int(last + delay - now + 0.999))

    def record_failure(self, account: str, address: str) -> int:
        """Count a failed login of the account from the address; return the account's count."""
        self.storage.incr(self._address(address), self.window)
        failures = self.storage.incr(self._account(account), self.window)
        at = f"{self._account(account)}/at/{failures}"
        # A time of an earlier window may outlive its count: the count is unique until
        # the account's count expires, so clearing first cannot race with another worker.
        self.storage.clear(at)
        self.storage.incr(at, self.window, int(time.time()))
        return failures

    def record_success(self, account: str) -> None:
        """Forget the account's failures once its owner logged in."""
        failures = self.storage.get(self._account(account))
        self.storage.clear(self._account(account))
        for number in range(1, failures + 1):
            self.storage.clear(f"{self._account(account)}/at/{number}")
