// A stand-in for the Azure CLI (`az`), for running the azd hooks here (the real CLI cannot reach Azure from a test).
// It records every call (arguments and working directory) as a JSON line in $AZ_STANDIN_LOG, and answers the
// commands the hooks use with the JSON shapes the CLI documents, applying --query (real JMESPath) and --output
// (json, tsv, none) as the CLI does. Behaviour is steered by environment variables:
//   AZ_STANDIN_FAIL_UPLOADS=N   the first N `storage blob upload-batch` calls fail with a 403 (role not yet active)
//   AZ_STANDIN_KEY_AFTER=N      the first N key listings return no blobs_extension key (host not started yet)
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import jmespath from "jmespath";

const args = process.argv.slice(2);
const log = process.env.AZ_STANDIN_LOG;
const state = `${log}.state.json`;
appendFileSync(log, JSON.stringify({ args, cwd: process.cwd() }) + "\n");

function option(...names) {
  for (let i = 0; i < args.length - 1; i++) if (names.includes(args[i])) return args[i + 1];
  return undefined;
}

function count(name) {
  const counts = existsSync(state) ? JSON.parse(readFileSync(state, "utf8")) : {};
  counts[name] = (counts[name] ?? 0) + 1;
  writeFileSync(state, JSON.stringify(counts));
  return counts[name];
}

function fail(message, code = 1) {
  process.stderr.write(`ERROR: ${message}\n`);
  process.exit(code);
}

function required(...names) {
  for (const name of names) if (option(name) === undefined) fail(`the following arguments are required: ${name}`, 2);
}

function output(result) {
  const query = option("--query");
  if (query !== undefined) result = jmespath.search(result, query);
  const format = option("--output", "-o") ?? "json";
  if (format === "none" || result === undefined) return;
  if (format === "json") return process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  if (format !== "tsv") fail(`unsupported output format ${format}`, 2);
  // The CLI's tsv: a scalar on its own line (null prints nothing), a list one item per line, an object its values.
  const cell = (v) => (v === null || v === undefined ? "" : typeof v === "object" ? Object.values(v).map(cell).join("\t") : String(v));
  if (result === null) return;
  const rows = Array.isArray(result) ? result : [result];
  process.stdout.write(rows.map(cell).join("\n") + "\n");
}

const command = args.filter((a) => !a.startsWith("-")).slice(0, 5).join(" ");
const keysReady = () => count("keys") > Number(process.env.AZ_STANDIN_KEY_AFTER ?? 0);

if (command.startsWith("storage blob upload-batch")) {
  required("--account-name", "--destination", "--source");
  if (count("upload") <= Number(process.env.AZ_STANDIN_FAIL_UPLOADS ?? 0)) {
    fail("This request is not authorized to perform this operation using this permission. ErrorCode:AuthorizationPermissionMismatch (403)");
  }
  const source = option("--source");
  if (!existsSync(source)) fail(`source ${source} does not exist`);
  appendFileSync(log, JSON.stringify({ uploaded: readdirSync(source).sort(), from: join(process.cwd(), source) }) + "\n");
  output([]);
} else if (command.startsWith("functionapp keys list")) {
  required("-g", "-n");
  // az functionapp keys list: the host keys of a function app.
  output({ functionKeys: { default: "function-key" }, masterKey: "master-key", systemKeys: keysReady() ? { blobs_extension: "flex-blobs-key", eventgrid_extension: "flex-eventgrid-key" } : {} });
} else if (command.startsWith("containerapp function keys list")) {
  required("-g", "-n", "--key-type");
  if (process.env.AZ_STANDIN_CONTAINERAPP_EXTENSION !== "installed" && !existsSync(`${log}.extension`)) {
    fail("'containerapp function' is misspelled or not recognized by the system (the containerapp extension is not installed)", 2);
  }
  // az containerapp function keys list --key-type systemKey: {"value": {"keys": [{"name", "value"}]}}.
  output({ value: { keys: keysReady() ? [{ name: "durabletask_extension", value: "other-key" }, { name: "blobs_extension", value: "aca-blobs-key" }] : [] } });
} else if (command.startsWith("extension add")) {
  if (option("--name", "-n") !== "containerapp") fail("unknown extension", 2);
  if (!args.includes("--yes") && !args.includes("-y")) fail("the extension install would prompt (no --yes)", 2);
  writeFileSync(`${log}.extension`, "installed");
  output({});
} else if (command.startsWith("eventgrid system-topic event-subscription create")) {
  required("--name", "--resource-group", "--system-topic-name", "--endpoint");
  output({ name: option("--name"), destination: { endpointType: "WebHook", endpointBaseUrl: option("--endpoint").split("?")[0] } });
} else {
  fail(`the stand-in does not know '${args.join(" ")}'`, 2);
}
