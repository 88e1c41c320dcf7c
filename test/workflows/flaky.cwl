cwlVersion: v1.2
class: CommandLineTool
doc: Fails with temporary-failure code 75 until `marker` exists (it creates it), then succeeds.
baseCommand: [sh, -c, 'if [ -e "$0" ]; then echo recovered; else touch "$0"; echo "transient trouble" >&2; exit 75; fi']
temporaryFailCodes: [75]
inputs:
  marker:
    type: string
    inputBinding: { position: 1 }
stdout: out.txt
outputs:
  out: stdout
