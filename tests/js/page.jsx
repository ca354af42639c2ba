// A chat page with the official React hook useStream, talking to the mount (never to the
// LangGraph server, and without any API key). tests/test_mount_js.py bundles it with esbuild and
// opens it in headless Chromium. The mount's URL (relative to the page) is the root's data-api.
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { useStream } from "@langchain/langgraph-sdk/react";

const root = document.getElementById("root");
const apiUrl = new URL(root.dataset.api, window.location.href).href.replace(/\/$/, "");

function text(message) {
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

function Chat() {
  const [draft, setDraft] = useState("");
  const stream = useStream({ apiUrl, assistantId: root.dataset.assistant, messagesKey: "messages" });
  const submit = (event) => {
    event.preventDefault();
    stream.submit({ messages: [{ type: "human", content: draft }] });
    setDraft("");
  };
  return (
    <main>
      <ol id="messages">
        {stream.messages.map((message) => (
          <li key={message.id} data-type={message.type}>{text(message)}</li>
        ))}
      </ol>
      <p id="status">{stream.isLoading ? "streaming" : "idle"}</p>
      {stream.error ? <p id="error">{String(stream.error)}</p> : null}
      <form onSubmit={submit}>
        <input id="draft" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button id="send" type="submit" disabled={stream.isLoading}>Send</button>
        <button id="stop" type="button" disabled={!stream.isLoading} onClick={() => stream.stop()}>Stop</button>
      </form>
    </main>
  );
}

createRoot(root).render(<Chat />);
