"""The compiled engine: the month as per-run code.

Every rule is plain scalar code over one run — loops over leaders, seats and regions —
compiled with Numba; a batch spreads its runs over threads. The state keeps the
structure-of-arrays layout of :class:`politburo.model.state.State` (a leading run axis),
so the kernel reads and writes the very arrays the rest of the package sees.

Conventions (every kernel function follows them):

- ``k`` is a :class:`~politburo.kernel.layout.Kernel`: ``k.s`` the state arrays, ``k.d``
  the derived arrays (also with a leading run axis), ``k.w`` the world's arrays, ``k.p``
  the parameters, ``k.on`` the mechanism switches (index with
  :class:`~politburo.kernel.layout.Mechanism`), ``k.ev`` the event buffers.
- ``r`` is the batch position of the run, ``t`` the month (turn).
- Functions that change a run's state say which derived values they invalidate by calling
  :func:`politburo.kernel.derive.refresh` — the single place derived values are rebuilt.

``NUMBA_DISABLE_JIT=1`` runs the same code as plain Python, for debugging.
"""
