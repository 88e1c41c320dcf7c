// The XRM cell detection objective of the paper (Johnson et al. 2020, Figure 3): F1 of the
// detected cells against ground truth on a synthetic volume, over the paper's four
// parameters: threshold, template size, window/dilation, stopping correlation.
//
// PENDING: the cell detection tool (issue 5) does not exist yet. When it does, this
// objective runs it on a synthetic volume with known cells (one evaluation = one tool run,
// or the tool's function in process) and returns F1; `bench:optimize` then runs every
// sampler on it like the test functions, and Optuna's TPE on the same objective when
// python3-optuna is installed (see optuna-tpe.py), printing the ratio of median best F1.
export const xrmCellDetection = {
  name: 'xrm-cell-detection',
  kind: 'workflow',
  available: false,
  reason: 'pending: needs the cell detection tool (issue 5)',
  direction: 'maximize',
  /** The paper's four parameters (values of the original's cell_detect defaults around them). */
  space: [
    { kind: 'float', name: 'threshold', low: 0.05, high: 0.95, log: false },
    { kind: 'int', name: 'initial_template_size', low: 8, high: 30, step: 1 },
    { kind: 'int', name: 'dilation', low: 2, high: 12, step: 1 },
    { kind: 'float', name: 'stop', low: 0.2, high: 0.8, log: false },
  ],
};
