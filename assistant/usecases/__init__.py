"""The use cases: each workflow a person runs, written once, for every surface.

The command line (`assistant.cli`) and the web app (`ui`) parse what a person asked for and
present what came back; what happens in between lives here, over the packages below:

- `workspace`: create a report (with last year's closing figures and the saved profile),
  import a data file, the context of a report (from files or from the workspace);
- `drafting`: draft, revise, a chat turn, save a version with its transcript;
- `publishing`: the publish gate, export, the reviewer package;
- `batch` and `rollup`: check a folder of reports; sum the units' reports and check the sum.

A use case may import any package of `assistant` and the `Assistant` facade, never a surface."""
