"""The one family of errors a user can cause.

A :class:`UserError` says what was wrong with an input and what to do about it: the
command line prints its message and exits 2, the web app answers 4xx. Every other
exception is a bug and propagates with its traceback. :class:`InputError` is a bad
argument to a library function, and is also a ``ValueError`` as Python's convention has
it, so ``except ValueError`` in callers' code keeps working."""

from __future__ import annotations


class UserError(Exception):
    """Input the package cannot use; the message says why and what to do."""


class InputError(UserError, ValueError):
    """A bad argument (a seed out of range, an unknown name, a malformed month)."""
