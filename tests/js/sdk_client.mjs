// The official JS SDK's Client, driven by tests/test_mount_js.py and benchmarks/mount.py.
//
//   node sdk_client.mjs <scenario> '<json options>'
//
// Prints one JSON object (the scenario's results) on stdout. Every response the SDK receives
// (status, headers, body bytes as they stream) is appended to options.traffic (JSON lines: see
// recordingFetch), so the caller can check that no response carried the app's API key.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";

const [scenario, rawOptions] = process.argv.slice(2);
const options = JSON.parse(rawOptions ?? "{}");
const t0 = performance.now();
const now = () => (performance.now() - t0) / 1000;

// With options.dropAt = n, the first run stream's connection breaks as its n-th messages event
// arrives (that event lost), as a network would: the SDK reconnects to the Location it was given.
let dropAt = options.dropAt ?? null;

// A fetch that records each response: a line with its status and headers, then a line per body
// chunk as it passes (without holding it back), so that a stream closed early is recorded too.
let responses = 0;
function recordingFetch(trafficPath) {
  if (!trafficPath) return fetch;
  const write = (line) => appendFileSync(trafficPath, JSON.stringify(line) + "\n");
  return async (url, init) => {
    const response = await fetch(url, init);
    const drop = dropAt !== null && String(url).endsWith("/runs/stream") && init?.method === "POST" ? dropAt : null;
    if (drop !== null) dropAt = null;
    const id = ++responses;
    write({ id, method: init?.method ?? "GET", url: String(url), status: response.status,
            headers: [...response.headers.entries()] });
    if (response.body === null) return response;
    const decoder = new TextDecoder();
    let events = 0;
    const tap = new TransformStream({
      transform(chunk, controller) {
        const text = decoder.decode(chunk, { stream: true });
        events += text.split("event: messages").length - 1;
        if (drop !== null && events >= drop) {
          write({ id, dropped: true });
          controller.error(new TypeError("terminated (the test broke the connection)"));
          return;
        }
        write({ id, chunk: text });
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(tap), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

function makeClient(headers = {}) {
  return new Client({
    apiUrl: options.apiUrl,
    apiKey: null, // never one from the environment: the key is the server's business
    defaultHeaders: { ...(options.headers ?? {}), ...headers },
    callerOptions: { fetch: recordingFetch(options.traffic), maxRetries: 0 },
  });
}

const userInput = (text) => ({ messages: [{ role: "user", content: text }] });

async function statusOf(promise) {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (typeof error?.status === "number") return error.status;
    throw error;
  }
}

async function streamStatus(iterable) {
  try {
    const events = [];
    for await (const part of iterable) events.push(part.event);
    return { status: 200, events };
  } catch (error) {
    if (typeof error?.status === "number") return { status: error.status };
    throw error;
  }
}

// Stream a run of the slow_tokens graph token by token. With options.gate, the graph makes token
// k + 1 only once the file <gate>/<k> exists, which is created here once token k has arrived:
// the run cannot end before this process has seen each token but the last.
async function streamTokens(client, threadId, words, extra = {}) {
  const text = words.join(" ");
  const gate = options.gate ? join(options.gate, threadId) : null;
  if (gate) mkdirSync(gate, { recursive: true });
  const tokens = [];
  const events = [];
  let runId = null;
  const started = now();
  for await (const part of client.runs.stream(threadId, "slow_tokens", {
    input: userInput(gate ? `gate:${gate} ${text}` : text),
    streamMode: ["messages-tuple", "values"],
    ...extra,
  })) {
    events.push(part.event);
    if (part.event === "metadata") runId = part.data.run_id;
    if (part.event === "messages") {
      const content = part.data[0]?.content;
      if (typeof content === "string" && content && part.data[0].type === "AIMessageChunk") {
        tokens.push({ text: content, at: now() });
        if (gate) writeFileSync(join(gate, String(tokens.length - 1)), "");
      }
    }
  }
  return { runId, tokens, events, started, ended: now() };
}

async function tour() {
  const client = makeClient();
  const thread = await client.threads.create({ metadata: { purpose: "js-tour" } });
  const words = options.words ?? ["one", "two", "three", "four", "five", "six"];
  const streamed = await streamTokens(client, thread.thread_id, words);
  const run = await client.runs.get(thread.thread_id, streamed.runId);
  // A second run in the background, joined: join blocks until it ends, then gives the state.
  const background = await client.runs.create(thread.thread_id, "slow_tokens", { input: userInput("again please") });
  const joined = await client.runs.join(thread.thread_id, background.run_id);
  const joinedRun = await client.runs.get(thread.thread_id, background.run_id);
  const history = await client.threads.getHistory(thread.thread_id, { limit: 10 });
  const state = await client.threads.getState(thread.thread_id);

  // A long run (the slow graph: 600 steps of 50 ms), cancelled while it runs.
  const long = await client.runs.create(thread.thread_id, "slow", { input: { n: 600, delay: 0.05 } });
  let before = await client.runs.get(thread.thread_id, long.run_id);
  for (let i = 0; i < 200 && before.status === "pending"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    before = await client.runs.get(thread.thread_id, long.run_id);
  }
  const cancelStarted = now();
  await client.runs.cancel(thread.thread_id, long.run_id, true);
  const cancelTook = now() - cancelStarted;
  const after = await client.runs.get(thread.thread_id, long.run_id);
  const runs = await client.runs.list(thread.thread_id);

  return {
    threadId: thread.thread_id,
    threadMetadata: thread.metadata,
    stream: streamed,
    joinedMessages: (joined?.messages ?? []).map((m) => [m.type, m.content]),
    runStatus: run.status,
    joinedRunStatus: joinedRun.status,
    history: history.map((h) => ({ next: h.next, messages: (h.values?.messages ?? []).length })),
    stateMessages: (state.values?.messages ?? []).map((m) => [m.type, m.content]),
    cancel: { before: before.status, after: after.status, took: cancelTook },
    runs: runs.map((r) => [r.run_id, r.status]),
  };
}

// A run's stream broken mid-way, resumed by the SDK (stream_resumable, on_disconnect continue).
async function resume() {
  const client = makeClient();
  const thread = await client.threads.create();
  const streamed = await streamTokens(client, thread.thread_id, options.words, {
    streamResumable: true,
    onDisconnect: "continue",
  });
  const run = await client.runs.get(thread.thread_id, streamed.runId);
  return { threadId: thread.thread_id, stream: streamed, runStatus: run.status };
}

// The thread-centric protocol the newest SDK speaks (client.threads.stream): a new thread (its ID
// made here), a run started on it, the message's text deltas as they stream (gated as above),
// the output; then options.other (headers) tries to start a run on that thread.
async function protocol() {
  const client = makeClient();
  // This protocol's transport takes its own fetch (the client's callerOptions do not reach it).
  const fetch = recordingFetch(options.traffic);
  const thread = client.threads.stream({ assistantId: "slow_tokens", fetch });
  const text = options.words.join(" ");
  const gate = options.gate ? join(options.gate, thread.threadId) : null;
  if (gate) mkdirSync(gate, { recursive: true });
  const tokens = [];
  const reading = (async () => {
    for await (const message of thread.messages) {
      for await (const delta of message.text) {
        tokens.push({ text: delta, at: now() });
        if (gate) writeFileSync(join(gate, String(tokens.length - 1)), "");
      }
    }
  })();
  const started = now();
  const run = await thread.run.start({ input: userInput(gate ? `gate:${gate} ${text}` : text) });
  const output = await thread.output;
  const ended = now();
  await thread.close();
  await reading;
  let other = null;
  if (options.other) {
    const intruder = makeClient(options.other).threads.stream(thread.threadId, { assistantId: "slow_tokens", fetch });
    try {
      await intruder.run.start({ input: userInput("not yours") });
      other = { status: 200 };
    } catch (error) {
      other = { status: error?.status ?? null, error: String(error) };
    } finally {
      await intruder.close();
    }
  }
  return {
    threadId: thread.threadId,
    runId: run.run_id,
    tokens,
    started,
    ended,
    output: (output?.messages ?? []).map((m) => [m.kwargs?.type ?? m.type, m.kwargs?.content ?? m.content]),
    other,
  };
}

// options.users: { a: headers, b: headers }. A creates a thread and runs on it; B tries to reach it.
async function users() {
  const a = makeClient(options.users.a);
  const b = makeClient(options.users.b);
  const thread = await a.threads.create();
  const ran = await streamStatus(a.runs.stream(thread.thread_id, "agent", { input: userInput("mine") }));
  const aSees = (await a.threads.search({ limit: 100 })).map((t) => t.thread_id);
  const bSees = (await b.threads.search({ limit: 100 })).map((t) => t.thread_id);
  const bThread = await b.threads.create();
  const bSeesOwn = (await b.threads.search({ limit: 100 })).map((t) => t.thread_id);
  return {
    threadId: thread.thread_id,
    bThreadId: bThread.thread_id,
    aRun: ran,
    aGet: await statusOf(a.threads.get(thread.thread_id)),
    aHistory: await statusOf(a.threads.getHistory(thread.thread_id)),
    aSees,
    bSees,
    bSeesOwn,
    bGet: await statusOf(b.threads.get(thread.thread_id)),
    bState: await statusOf(b.threads.getState(thread.thread_id)),
    bHistory: await statusOf(b.threads.getHistory(thread.thread_id)),
    bRunStream: await streamStatus(b.runs.stream(thread.thread_id, "agent", { input: userInput("theirs") })),
    bRuns: await statusOf(b.runs.list(thread.thread_id)),
    bDelete: await statusOf(b.threads.delete(thread.thread_id)),
    aGetAfter: await statusOf(a.threads.get(thread.thread_id)),
  };
}

// One measured run: time to first token and this process's CPU per event.
async function bench() {
  const client = makeClient();
  const rounds = [];
  for (let i = 0; i < (options.rounds ?? 3); i++) {
    const thread = await client.threads.create();
    const cpu = process.cpuUsage();
    const started = performance.now();
    let first = null;
    let count = 0;
    for await (const part of client.runs.stream(thread.thread_id, options.graph ?? "slow_tokens", {
      input: options.input ?? userInput("a b c"),
      streamMode: options.streamMode ?? ["messages-tuple"],
    })) {
      count += 1;
      if (first === null && part.event !== "metadata") first = performance.now() - started;
    }
    const used = process.cpuUsage(cpu);
    rounds.push({
      ttft: first / 1000,
      wall: (performance.now() - started) / 1000,
      events: count,
      cpu: (used.user + used.system) / 1e6,
    });
  }
  return { rounds };
}

const scenarios = { tour, resume, protocol, users, bench };
if (!(scenario in scenarios)) {
  console.error(`unknown scenario ${scenario}; one of ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
const timer = setTimeout(() => {
  console.error(`scenario ${scenario} did not end within ${options.timeout ?? 60} s`);
  process.exit(3);
}, (options.timeout ?? 60) * 1000);
timer.unref();
process.stdout.write(JSON.stringify(await scenarios[scenario]()) + "\n");
