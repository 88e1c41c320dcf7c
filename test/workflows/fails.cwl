cwlVersion: v1.2
class: CommandLineTool
doc: Writes to stderr and exits 3.
baseCommand: [sh, -c, 'echo "something broke: disk on fire" >&2; exit 3']
inputs: []
outputs: []
