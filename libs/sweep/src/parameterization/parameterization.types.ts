import type { BlockSection } from '../blocks/block-section';
import type { ParameterValue } from '../yaml/python-values';

/**
 * `range:` of a metaparameter. A mapping is `numpy.arange(start, stop, step)`; a
 * list is used verbatim, in its order.
 */
export type MetaparameterRange =
  | {
      kind: 'arange';
      start: number;
      stop: number;
      step: number;
      /** True when any of start, stop, step is a YAML float: numpy then yields float64. */
      float: boolean;
      /** True when `stop` itself was a float (decides Python's type of a truncated `max`). */
      stopFloat: boolean;
    }
  | { kind: 'list'; values: ParameterValue[] };

/**
 * `parameters:` of a metaparameter: block mode `{min, max}` (each value v sets `min`
 * to v and `max` to min(v + step, stop)) or value mode `{abs}` (sets `abs` to v).
 * The names are step input names (or workflow input names when `steps` is absent).
 */
export type MetaparameterTargets = { mode: 'minmax'; min: string; max: string } | { mode: 'abs'; abs: string };

/** One metaparameter of the original SABER parameterization file. */
export interface Metaparameter {
  /** Its key in the file (`x`, `initial_template_size`). */
  name: string;
  range: MetaparameterRange;
  parameters: MetaparameterTargets;
  /**
   * Steps whose inputs receive the values. Undefined when the file has no `steps`
   * (a SABER extension: the names in `parameters` are then workflow inputs).
   */
  steps?: string[];
}

/**
 * A parsed parameterization file: its metaparameters in file order (the order of the
 * cartesian product), plus the top-level keys SABER reserves.
 */
export interface Parameterization {
  /** Display name of the file, used in messages. */
  source: string;
  metaparameters: Metaparameter[];
  /** The `sampler:` mapping (read by the optimizer), if present; unchecked here. */
  sampler?: Record<string, unknown>;
  /** The `block:` section (a SABER extension), if present. */
  block?: BlockSection;
}

/** One value a metaparameter assigns in an iteration. */
export interface Assignment {
  /** The metaparameter's name. */
  metaparameter: string;
  /** Which of its `parameters` entries: `min`, `max` or `abs`. */
  role: 'min' | 'max' | 'abs';
  /** The input name in `parameters`. */
  input: string;
  /** The steps it goes to (undefined: the input is a workflow input). */
  steps?: string[];
  value: ParameterValue;
}

/** One iteration of the cartesian product, as the original's `parameterize` built it. */
export interface Iteration {
  /** 0-based position in the product (the original's iteration id `i`). */
  index: number;
  /**
   * The original's iteration dict: step name → step input → `str(value)`. Metaparameters
   * without `steps` do not appear here.
   */
  steps: Record<string, Record<string, string>>;
  /** Every value assigned, in metaparameter order (min before max). */
  assignments: Assignment[];
}
