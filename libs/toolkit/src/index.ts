/**
 * `@saber/toolkit`: what SABER's command-line tools (`tools/*`) share: exit statuses as typed
 * errors, `name: value` metric lines, argument parsers, 3-D volume input by channel and slab,
 * output volumes, and detection lists in the format the merger reads.
 *
 * @module
 */
export { ToolError, ToolInputError, ToolUsageError } from './cli/tool-errors';
export { PROCESS_IO, printMetric, runTool, type ToolIo } from './cli/run-tool';
export { formatBox, parseBox, parseChoice, parseLabelMap, parseNumber, parseNumberList, parseRange, parseTriple, type Box3 } from './cli/parse-args';
export { asNumbers, asProbabilities, createOutput, openInput, readInput, writeOutput, type VolumeInput, UINT8_PROBABILITY_SCALE } from './io/volume-io';
export { readPoints, writeDetections, type DetectionsFile, type ToolPoint } from './io/points-io';
