// align workbench: post-editing, new documents, glossary suggestions.
// Plain JavaScript, no library. Text from the server is only ever put in the page
// through textContent / value, never as HTML.
"use strict";

(function () {
  const token = document.querySelector('meta[name="align-token"]').content;
  const status = document.getElementById("status");

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  async function post(url, body) {
    const options = { method: "POST", headers: { "X-Align-Token": token }, credentials: "same-origin" };
    if (body instanceof FormData) {
      options.body = body;
    } else {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: response.statusText }; }
    return { status: response.status, data: data };
  }

  // ------------------------------------------------------------ post-editing
  const docMatch = location.pathname.match(/^\/workbench\/doc\/([^/]+)$/);
  let active = null; // {span, editor, textarea, message}

  function openEditor(span) {
    if (active && active.span === span) { active.textarea.focus(); return; }
    if (active) closeEditor(false);
    const editor = document.getElementById("editor-template").content.firstElementChild.cloneNode(true);
    const textarea = editor.querySelector("textarea");
    const label = editor.querySelector("label");
    textarea.id = "edit-" + span.id;
    label.htmlFor = textarea.id;
    label.textContent = "English sentence " + span.id;
    textarea.value = span.dataset.text;
    span.hidden = true;
    span.after(editor);
    active = { span: span, editor: editor, textarea: textarea, message: editor.querySelector(".editor-message") };
    editor.querySelector(".save").addEventListener("click", save);
    editor.querySelector(".cancel").addEventListener("click", function () { closeEditor(true); });
    textarea.focus();
  }

  function closeEditor(refocus) {
    if (!active) return;
    const span = active.span;
    active.editor.remove();
    span.hidden = false;
    active = null;
    if (refocus) span.focus();
  }

  async function save() {
    if (!active) return;
    const current = active;
    const span = current.span;
    current.message.textContent = "Saving…";
    let result;
    try {
      result = await post("/workbench/api/doc/" + docMatch[1] + "/sentence",
        { id: span.id, text: current.textarea.value, version: span.dataset.version });
    } catch (e) {
      current.message.textContent = "Not saved: the server cannot be reached. Your text is still here.";
      return;
    }
    if (result.status === 200) {
      span.textContent = result.data.text;
      span.dataset.text = result.data.text;
      span.dataset.version = result.data.version;
      span.classList.toggle("edited", result.data.original !== null);
      if (result.data.original !== null) span.title = "machine output: " + result.data.original;
      closeEditor(true);
      say(result.data.changed ? "Saved " + span.id + "." : "No change to " + span.id + ".");
    } else if (result.status === 409) {
      // Someone else saved this sentence: show theirs, keep ours in the box, take their version as base.
      span.dataset.version = result.data.version;
      span.dataset.text = result.data.text;
      span.textContent = result.data.text;
      current.message.textContent = result.data.error + " Their text: “" + result.data.text + "”";
      current.editor.classList.add("conflict");
      say("Conflict on " + span.id + ": not saved.", true);
    } else {
      current.message.textContent = "Not saved: " + (result.data.error || result.status);
      say("Not saved: " + (result.data.error || result.status), true);
    }
  }

  if (docMatch) {
    document.querySelectorAll(".s.editable").forEach(function (span) {
      span.addEventListener("click", function () { openEditor(span); });
      span.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === "F2") { event.preventDefault(); openEditor(span); }
      });
    });
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
        event.preventDefault();
        if (active) save();
        return;
      }
      if (event.key === "Escape" && active) { closeEditor(true); return; }
      const typing = /^(TEXTAREA|INPUT|SELECT)$/.test(document.activeElement.tagName);
      if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        if (event.key === "n") { jump(1); } else if (event.key === "p") { jump(-1); }
      }
    });
    const flagged = Array.from(document.querySelectorAll("tr.flagged"));
    let position = -1;
    function jump(step) {
      if (!flagged.length) { say("Nothing flagged in this document."); return; }
      position = (position + step + flagged.length) % flagged.length;
      const row = flagged[position];
      row.scrollIntoView({ block: "center" });
      const target = row.querySelector(".s.editable") || row.querySelector(".s");
      if (target) target.focus();
      document.querySelectorAll("tr.current").forEach(function (r) { r.classList.remove("current"); });
      row.classList.add("current");
      say("Flagged " + (position + 1) + " of " + flagged.length + ".");
    }
    document.getElementById("next-flag").addEventListener("click", function () { jump(1); });
    document.getElementById("prev-flag").addEventListener("click", function () { jump(-1); });
  }

  // ------------------------------------------------------------ new document
  const form = document.getElementById("new-document");
  if (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      say("Translating…");
      const result = await post(form.action, new FormData(form));
      if (result.status === 201) {
        location.href = result.data.url;
      } else {
        say("Not translated: " + (result.data.error || result.status), true);
      }
    });
  }

  // ------------------------------------------------------------ glossary suggestions
  document.querySelectorAll("form.accept").forEach(function (accept) {
    accept.addEventListener("submit", async function (event) {
      event.preventDefault();
      const out = accept.querySelector(".accept-result");
      const body = { line: accept.dataset.line };
      const canonical = accept.querySelector('select[name="canonical"]');
      const kind = accept.querySelector('select[name="type"]');
      if (canonical) body.canonical = canonical.value;
      if (kind) body.type = kind.value;
      out.textContent = "Adding…";
      const result = await post("/workbench/api/glossary", body);
      if (result.status !== 200) {
        out.textContent = "Not added: " + (result.data.error || result.status);
        return;
      }
      accept.querySelector('button[type="submit"]').disabled = true;
      out.textContent = "";
      const done = document.createElement("p");
      done.textContent = "Added “" + result.data.entry.canonical + "” (" + result.data.entry.id + ") to " +
        result.data.glossary + "; the previous file is kept as " + result.data.backup + ".";
      out.append(done);
      if (!result.data.affected.length) {
        const none = document.createElement("p");
        none.textContent = "No sentence in the workspace spells it.";
        out.append(none);
      }
      result.data.affected.forEach(function (doc) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "retranslate";
        button.textContent = "Re-translate " + doc.sentences.length + " sentence(s) of " + doc.id;
        button.addEventListener("click", async function () {
          button.disabled = true;
          const r = await post("/workbench/api/doc/" + encodeURIComponent(doc.id) + "/retranslate",
            { sentences: doc.sentences, reason: "glossary entry " + result.data.entry.id });
          const line = document.createElement("p");
          if (r.status === 200) {
            line.textContent = doc.id + ": re-translated " + r.data.changed.length + " sentence(s)" +
              (r.data.kept_post_edited.length ? "; kept " + r.data.kept_post_edited.length + " post-edited" : "") + ".";
          } else {
            line.textContent = doc.id + ": " + (r.data.error || r.status);
            button.disabled = false;
          }
          out.append(line);
        });
        out.append(button);
      });
    });
  });
})();
