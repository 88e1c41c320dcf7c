/**
 * `@saber/sweep`: the original SABER parameterization format (block and parameter
 * sweeps, `conduit parse -p` / `conduit optimize`) and SABER's block grids, as pure
 * functions: parse and check a file, expand its cartesian product exactly as the
 * original did, cut a volume into blocks with halos, and bind the swept values to a
 * workflow's inputs. No I/O: callers read files and volumes.
 *
 * @module
 */
export * from './errors/sweep-errors';
export { PyFloat, pythonFloatRepr, type ParameterValue, type PyKind } from './yaml/python-values';
export { loadPyYaml, PYYAML_SCHEMA } from './yaml/pyyaml-schema';
export type * from './parameterization/parameterization.types';
export { parseParameterization, parameterizationFromYaml, RESERVED_KEYS, type ParseParameterizationOptions } from './parameterization/parse-parameterization';
export { expandIterations, iterationAt, iterationCount } from './parameterization/expand-iterations';
export { arangeAt, arangeLength } from './parameterization/arange';
export {
  AXES, BLOCK_GEOMETRY_NAMES, BOX_GEOMETRY_NAMES, DEFAULT_BLOCK_INPUTS, parseBlockSection, type BlockGeometryName, type BlockSection, type Box3, type Vec3,
} from './blocks/block-section';
export { blockGrid, type Block, type BlockGrid, type BlockGridSpec } from './blocks/block-grid';
export { planSweep, MAX_SWEEP_ITERATIONS, type PlanSweepOptions, type PlannedIteration, type SweepGeometry, type SweepPlan } from './plan/plan-sweep';
export { coerceValue, inputKind, type InputKind } from './binding/input-kind';
export {
  bindSweep, blockGeometryValues, iterationInputs, type BoundInput, type IterationInputs, type SweepBinding, type WorkflowShape,
} from './binding/bind-sweep';
