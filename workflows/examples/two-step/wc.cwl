cwlVersion: v1.2
class: CommandLineTool
baseCommand: [wc, -w]
inputs:
  file: File
stdin: $(inputs.file.path)
stdout: count.txt
outputs:
  out:
    type: stdout
