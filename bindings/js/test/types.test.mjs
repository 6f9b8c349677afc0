// The TypeScript declarations describe the API: a program using it
// type-checks, through `import` and `require`, and misuse does not.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(pkg, "node_modules", "typescript", "bin", "tsc");
// Inside the package, so that "intercom-qc" resolves to itself.
const dir = mkdtempSync(join(pkg, "test", ".types-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const USE = `
const body: Body = compile("state = open", { target: "contacts", now: new Date(), perPage: 5, timezone: "Europe/Paris" });
const diagnostics: Diagnostic[] = check("stat = open", { now: 1717200000 });
const line: number | undefined = diagnostics[0]?.location?.start.line;
const valid: boolean = validate(body).length === 0 && validate("{}", { schema: [] }).length >= 0;
const text: string = decompile(body, { dates: "unix" }) + format("read=true", { width: 40 });
const names: string[] = fields({ target: "tickets" }).map((f: Field) => f.name);
const ready: Promise<void> = init();
try { compile("x"); } catch (e) { if (e instanceof QueryError) { const d: Diagnostic[] = e.diagnostics; } }
const h = hover("state", 1); const c = complete("st", 2)[0]?.range.from;
const v: string = version();
const companies: boolean = apiVersions().some((a: ApiVersion) => a.default && a.targets.includes("companies"));
const bodies: Body[] = plan("state = open", { maxRequests: 5, onWarning: (w: QueryWarning) => w.diagnostics[0]?.range.start });
const hit: boolean = matches("state = open", { state: "open" });
const hits: { id: number }[] = filter("state = open", [{ id: 1 }], { now: 0, dates: "unix" });
const fix = diagnostics[0]?.suggestion;
const fixed: string | undefined = fix && "stat = open".slice(0, fix.span.start) + fix.replacement;
`;
const MISUSE = `compile("state = open", { perpage: 5 });\nfilter("state = open", [1, 2]);\ncompile("x", { onWarning: 5 });`;

function typecheck(files, module) {
  const result = spawnSync(
    process.execPath,
    [tsc, "--noEmit", "--strict", "--module", module, "--moduleResolution", module, "--target", "es2022", ...files],
    { cwd: dir, encoding: "utf8" },
  );
  return { ok: result.status === 0, output: result.stdout + result.stderr };
}

test("the declarations type-check a program, through import and require", { skip: !existsSync(tsc) && "typescript is not installed" }, () => {
  const names =
    "ApiVersion, Body, Diagnostic, Field, QueryError, QueryWarning, apiVersions, check, compile, complete, decompile, fields, filter, format, hover, init, matches, plan, validate, version";
  const imports = `import { ${names} } from "intercom-qc";\n`;
  const requires =
    'import qc = require("intercom-qc");\n' +
    "const { QueryError, QueryWarning, apiVersions, check, compile, complete, decompile, fields, filter, format, hover, init, matches, plan, validate, version } = qc;\n" +
    "type ApiVersion = qc.ApiVersion;\ntype Body = qc.Body;\ntype Diagnostic = qc.Diagnostic;\ntype Field = qc.Field;\ntype QueryWarning = qc.QueryWarning;\n";
  writeFileSync(join(dir, "use.mts"), imports + USE);
  writeFileSync(join(dir, "use.cts"), requires + USE);
  const out = typecheck(["use.mts", "use.cts"], "nodenext");
  assert.ok(out.ok, out.output);
  writeFileSync(join(dir, "misuse.mts"), `import { compile, filter } from "intercom-qc";\n${MISUSE}`);
  const bad = typecheck(["misuse.mts"], "nodenext");
  assert.ok(!bad.ok, bad.output);
  // One error for each misuse.
  for (const line of [2, 3, 4]) assert.match(bad.output, new RegExp(`misuse\\.mts\\(${line},`), bad.output);
  assert.ok(bad.output.includes("perpage"), bad.output);
});
