cwlVersion: v1.2
class: Workflow
doc: |
  One ExpressionTool per element of `items`, each returning `size` characters,
  pseudo-random (xorshift32; about 6.5 bits each) or, with `random: false`, all
  `a`: a run whose state, or outputs, grow as large as a test needs.
requirements:
  ScatterFeatureRequirement: {}
inputs:
  items: int[]
  size: int
  random: boolean
outputs:
  blobs:
    type: string[]
    outputSource: blob/text
steps:
  blob:
    run:
      class: ExpressionTool
      requirements:
        InlineJavascriptRequirement: {}
      inputs:
        item: int
        size: int
        random: boolean
      outputs:
        text: string
      expression: |
        ${
          var x = ((inputs.item + 1) * 2654435761) >>> 0, s = '';
          for (var i = 0; i < inputs.size; i++) {
            x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
            s += inputs.random ? String.fromCharCode(35 + (x % 90)) : 'a';
          }
          return { text: s };
        }
    scatter: item
    in:
      item: items
      size: size
      random: random
    out: [text]
