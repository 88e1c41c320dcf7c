import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exactInteger, isExactNumber, parseCwlJson, pythonStyleJson, stringifyCwlJson } from './exact-number';

describe('exact numbers', () => {
  it('keeps integers beyond 2^53 exactly from YAML/JSON text to printed JSON', () => {
    const value = parseCwlJson('{"a": 4200000000000000000000000000000000000000000, "b": [-1000000000000000000000000000000000000000000, 7, 2.5]}');
    assert.deepEqual(value, { a: { $bigint: '4200000000000000000000000000000000000000000' }, b: [{ $bigint: '-1000000000000000000000000000000000000000000' }, 7, 2.5] });
    assert.equal(stringifyCwlJson(value), '{"a":4200000000000000000000000000000000000000000,"b":[-1000000000000000000000000000000000000000000,7,2.5]}');
    assert.equal(stringifyCwlJson(JSON.parse(JSON.stringify(value))), stringifyCwlJson(value), 'survives a plain JSON round trip');
  });
  it('uses plain numbers when they are exact', () => {
    assert.equal(exactInteger('9007199254740991'), 9007199254740991);
    assert.equal(isExactNumber(exactInteger('9007199254740993')), true);
    assert.equal(isExactNumber({ $bigint: '12', other: 1 }), false);
  });
  it('writes JSON like Python json.dumps', () => {
    assert.equal(pythonStyleJson({ a: [1, 'x'], b: { $bigint: '4200000000000000000000000000000000000000000' } }), '{"a": [1, "x"], "b": 4200000000000000000000000000000000000000000}');
  });
});
