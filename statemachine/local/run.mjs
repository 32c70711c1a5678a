// Runs statemachine/pipeline.asl.json on this machine with aws-local-stepfunctions (Node 22).
//
// Every Task state is overridden to POST its input to a loopback bridge that the Java side serves,
// http://127.0.0.1:<port>/invoke/<Function>, where <Function> comes from the Task's Resource
// placeholder (${ExportTableFunctionArn} -> ExportTable). The bridge answers 200 with the handler's
// output, or non-2xx with {"errorType": "<fully qualified class>", "errorMessage": "...", "stackTrace": [...]},
// which becomes an error named errorType whose cause is that JSON, as AWS Lambda reports it to Step
// Functions. The library matches Retry and Catch by comparing ErrorEquals with the error's `name`.
//
// usage: node run.mjs --bridge http://127.0.0.1:PORT [--definition FILE] [--execution-name NAME]
//                     [--zero-waits] [--retry-interval-ms N]  < input.json
//
// stdout: one JSON object per line: {"event": {...}} while it runs (no state inputs or outputs), then
// {"result": {"status": "SUCCEEDED", "output": ...}} or {"result": {"status": "FAILED"|"TIMED_OUT",
// "error": "...", "cause": "..."}}. Exit code 0 when the execution succeeded, 1 when it failed, 2 when
// it could not run (bad arguments, an invalid definition).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';

const here = path.dirname(fileURLToPath(import.meta.url));
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const MACHINE = 'rds2bq-local';

function parseArgs(argv) {
  const options = { definition: path.join(here, '..', 'pipeline.asl.json'), executionName: `local-${Date.now()}`,
    zeroWaits: false, retryIntervalMs: null, bridge: null };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--bridge': options.bridge = value().replace(/\/+$/, ''); break;
      case '--definition': options.definition = value(); break;
      case '--execution-name': options.executionName = value(); break;
      case '--zero-waits': options.zeroWaits = true; break;
      case '--retry-interval-ms': options.retryIntervalMs = Number(value()); break;
      default: throw new Error(`unknown argument '${argv[i]}'`);
    }
  }
  if (!options.bridge) throw new Error('--bridge URL is required');
  return options;
}

/** ${NameFunctionArn} -> a Lambda ARN the validator accepts; any other placeholder is an error. */
function substitute(text) {
  return text.replace(/\$\{([^}]*)\}/g, (whole, name) => {
    const m = /^([A-Za-z0-9]+)FunctionArn$/.exec(name);
    if (!m) throw new Error(`unknown placeholder ${whole}: only \${<Function>FunctionArn} ones are substituted`);
    return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${MACHINE}-${m[1]}`;
  });
}

/** Every state, nested ones included, with the function its Task calls. */
function collectStates(states, out = []) {
  for (const [name, state] of Object.entries(states)) {
    const fn = state.Type === 'Task' ? /function:rds2bq-local-([A-Za-z0-9]+)$/.exec(state.Resource)?.[1] : undefined;
    out.push({ name, type: state.Type, fn, retry: Array.isArray(state.Retry) });
    const nested = state.ItemProcessor ?? state.Iterator;
    if (nested) collectStates(nested.States, out);
    for (const branch of state.Branches ?? []) collectStates(branch.States, out);
  }
  return out;
}

const agent = new http.Agent({ keepAlive: true });

/** POSTs without any client timeout: an export may take as long as its Lambda would (15 minutes). */
function post(url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json',
      'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An error as Step Functions sees a Lambda function's: named by errorType, the error JSON as cause. */
function functionError(payload) {
  const error = new Error(JSON.stringify({ errorMessage: payload.errorMessage ?? '', errorType: payload.errorType,
    stackTrace: payload.stackTrace ?? [] }));
  error.name = payload.errorType;
  return error;
}

function invoker(bridge, fn) {
  return async (input) => {
    const { status, body } = await post(`${bridge}/invoke/${fn}`, JSON.stringify(input));
    if (status >= 200 && status < 300) {
      return body.length === 0 ? null : JSON.parse(body);
    }
    let payload;
    try {
      payload = JSON.parse(body);
    } catch {
      payload = null;
    }
    if (!payload || typeof payload.errorType !== 'string') {
      payload = { errorType: 'Lambda.ServiceException', errorMessage: `the local bridge answered ${status}: ${body}` };
    }
    throw functionError(payload);
  };
}

function print(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

function cut(text, max = 2000) {
  const s = typeof text === 'string' ? text : JSON.stringify(text ?? '');
  return s.length <= max ? s : s.slice(0, max) + '...';
}

/** The event without inputs and outputs, which can be large. */
function compact(event) {
  const e = { type: event.type };
  if (event.state) e.state = event.state.name;
  if (event.parentState) e.state = event.parentState.name;
  if (event.index !== undefined) e.index = event.index;
  if (event.retry) e.attempt = event.retry.attempt;
  if (event.Error !== undefined) e.error = event.Error;
  if (event.Cause !== undefined) e.cause = cut(event.Cause);
  return e;
}

async function main() {
  let options;
  let machine;
  let states;
  let input;
  try {
    options = parseArgs(process.argv.slice(2));
    const definition = JSON.parse(substitute(readFileSync(options.definition, 'utf8')));
    machine = new StateMachine(definition);
    states = collectStates(definition.States);
    const stdin = readFileSync(0, 'utf8').trim();
    input = stdin.length === 0 ? {} : JSON.parse(stdin);
  } catch (e) {
    print({ result: { status: 'ERROR', error: e.name, cause: e.message } });
    return 2;
  }
  const taskResourceLocalHandlers = {};
  const waitTimeOverrides = {};
  const retryIntervalOverrides = {};
  for (const s of states) {
    if (s.fn) taskResourceLocalHandlers[s.name] = invoker(options.bridge, s.fn);
    if (s.type === 'Wait' && options.zeroWaits) waitTimeOverrides[s.name] = 0;
    if (s.retry && options.retryIntervalMs !== null) retryIntervalOverrides[s.name] = options.retryIntervalMs;
  }
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${MACHINE}:${options.executionName}`;
  const execution = machine.run(input, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    context: { Execution: { Id: executionArn, Name: options.executionName, StartTime: new Date().toISOString() },
      StateMachine: { Id: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE}`, Name: MACHINE } },
  });
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type !== 'ExecutionStarted' && event.type !== 'ExecutionSucceeded') print({ event: compact(event) });
    }
  })();
  let result;
  let code;
  try {
    result = { status: 'SUCCEEDED', output: await execution.result };
    code = 0;
  } catch (e) {
    if (e instanceof ExecutionError) {
      const cause = e.cause ?? e;
      result = { status: 'FAILED', error: cause.name, cause: cut(cause.message, 32768) };
    } else if (e instanceof ExecutionTimeoutError) {
      result = { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'the execution exceeded its TimeoutSeconds' };
    } else {
      result = { status: 'FAILED', error: e.name, cause: e.message };
    }
    code = 1;
  }
  await events;
  print({ result });
  return code;
}

main().then((code) => {
  agent.destroy();
  process.exitCode = code;
}, (e) => {
  print({ result: { status: 'ERROR', error: e.name, cause: e.stack ?? e.message } });
  process.exitCode = 2;
});
