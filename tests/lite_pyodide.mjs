// Run a workbook's main.py in real Pyodide under Node, as xlwings Lite runs it in Excel.
//
//   node tests/lite_pyodide.mjs RUNTIME REQUEST.json RESULT.json
//
// RUNTIME is the folder tests/lite_fetch.py made (Pyodide 0.27.7 and the wheels; nothing is
// downloaded here). REQUEST holds main.py and requirements.txt as read from the workbook,
// the function calls, the scripts to run on xlwings book JSON, and the formulas the Lite
// client would answer a read with. This file plays Lite's JavaScript side: it installs
// requirements.txt (Pyodide's own packages from the lock file, the others from local
// pure-Python wheels with micropip) and provides `xlwings.getRangeData` (a read of Excel)
// and `xlwings.runActions` (the writes of a script flushed before a read), which xlwings
// calls from Python through the `js` module. tests/lite_runtime.py is the Python side.

import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [runtime, requestPath, resultPath] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const pyodideDir = path.join(runtime, "pyodide");
const wheelDir = path.join(runtime, "wheels");
const request = JSON.parse(readFileSync(requestPath, "utf8"));

const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const started = Date.now();
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep });

// --- requirements.txt: every line must install from the local runtime folder
const normal = (name) => name.toLowerCase().replace(/[-_.]+/g, "_");
const lock = JSON.parse(readFileSync(path.join(pyodideDir, "pyodide-lock.json"), "utf8"));
const wheels = readdirSync(wheelDir).filter((f) => f.endsWith(".whl"));
const fromLock = ["micropip"];
const fromWheels = [];
const missing = [];
for (const name of request.requirements) {
  const entry = lock.packages[name];
  const wheel = wheels.find((f) => normal(f.split("-")[0]) === normal(name));
  if (entry && existsSync(path.join(pyodideDir, entry.file_name))) fromLock.push(name);
  else if (wheel) fromWheels.push(wheel);
  else missing.push(name);
}
if (missing.length) throw new Error(`requirements not in the runtime folder: ${missing}`);
await pyodide.loadPackage(fromLock, { messageCallback: () => {} });
pyodide.FS.mkdirTree("/wheels");
for (const wheel of fromWheels) {
  pyodide.FS.writeFile(`/wheels/${wheel}`, readFileSync(path.join(wheelDir, wheel)));
}
const micropip = pyodide.pyimport("micropip");
for (const wheel of fromWheels) {
  // their own dependencies are other lines of requirements.txt (or unused by main.py)
  await micropip.install.callKwargs(`emfs:/wheels/${wheel}`, { deps: false });
}
const installed = Date.now();

// --- Lite's client side, as the scripts use it (lite_runtime.py collects liteFlushed)
globalThis.liteFlushed = [];
const columnNumber = (letters) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
const cell = (a1) => {
  const [, letters, digits] = /^\$?([A-Z]+)\$?(\d+)$/.exec(a1.toUpperCase());
  return [Number(digits), columnNumber(letters)];
};
const letters = (n) => (n > 0 ? letters(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)) : "");
globalThis.xlwings = {
  async getRangeData(sheetName, address, keys) {
    const [first, last = first] = address.split(":");
    const [top, left] = cell(first);
    const [bottom, right] = cell(last);
    const sheet = request.formulas[sheetName] || {};
    const formulas = [];
    for (let r = top; r <= bottom; r++) {
      const row = [];
      for (let c = left; c <= right; c++) row.push(sheet[`${letters(c)}${r}`] ?? "");
      formulas.push(row);
    }
    const answer = {};
    for (const key of keys) {
      if (key !== "formulas") throw new Error(`getRangeData: ${key} is not emulated here`);
      answer[key] = formulas;
    }
    return answer;
  },
  async runActions(batch) {
    globalThis.liteFlushed.push(JSON.stringify(batch.actions));
  },
};

// --- the Python side
pyodide.globals.set("REQUEST", JSON.stringify(request));
await pyodide.runPythonAsync(readFileSync(path.join(here, "lite_runtime.py"), "utf8"));
const result = await pyodide.runPythonAsync("json.dumps(await main(), default=str)");
const seconds = { load_and_install: (installed - started) / 1000, run: (Date.now() - installed) / 1000 };
// Python's JSON (it may hold NaN, which JSON.parse refuses) inside ours
writeFileSync(resultPath, `{"seconds": ${JSON.stringify(seconds)}, "result": ${result}}`);
