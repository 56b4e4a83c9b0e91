"""Studies: what many paired runs say about a scenario.

- :mod:`~politburo.studies.validate` — the baseline scored against the historical record,
  beside naive forecasts, and the historiography's directional checks;
- :mod:`~politburo.studies.explain` — Shapley attribution of an outcome to mechanisms and
  factors, and Morris sensitivity to the global parameters;
- :mod:`~politburo.studies.calibration` — the joint fit of the global parameters to the
  records, with its adoption rule;
- :mod:`~politburo.studies.report` — the runs an HTML report draws, simulated, and the
  report written from them;
- :mod:`~politburo.studies.evaluation` — the process pool explain and calibrate
  simulate on.

They sit above the runs (``experiment``) and their meaning (``analysis``), below the
interfaces (``cli``, ``web``)."""
