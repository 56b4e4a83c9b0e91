"""The one family of errors a user can cause.

A :class:`UserError` says what was wrong with an input and what to do about it: the
command line prints its message and exits 2, the web app answers 4xx. Every other
exception is a bug and propagates with its traceback. :class:`InputError` is a bad
argument to a library function, and is also a ``ValueError`` as Python's convention has
it, so ``except ValueError`` in callers' code keeps working. :class:`NotFound`,
:class:`Forbidden`, :class:`Conflict` and :class:`Gone` say which 4xx the web answers."""

from __future__ import annotations


class UserError(Exception):
    """Input the package cannot use; the message says why and what to do."""


class InputError(UserError, ValueError):
    """A bad argument (a seed out of range, an unknown name, a malformed month)."""


class NotFound(UserError):
    """A name or id that refers to nothing (a game, a class); the web answers 404."""


class Forbidden(UserError):
    """A thing that exists but is not the caller's (a wrong token); the web answers 403."""


class Conflict(UserError):
    """A request for a state that has moved on (a stale turn, a game over); the web
    answers 409."""


class Gone(UserError):
    """A thing that existed but can no longer be used (a game saved by older rules); the
    web answers 410."""
