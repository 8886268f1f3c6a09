// The devices activity: turn a text selection into a mark, save it at once, undo it.
// Loaded with the page's CSP nonce. No inline handlers, no eval, no build step.
// Every change also works without this file, as a plain form post; this file
// adds selection, shortcuts, saving without reloads, retry and undo.
"use strict";

(() => {
  const root = document.getElementById("devices");
  if (!root) {
    return;
  }
  const text = (name) => root.dataset[`text${name}`] || "";
  const csrfToken = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  const byId = (id) => document.getElementById(id);

  // ---- Ids for new marks -------------------------------------------------------
  // crypto.randomUUID needs a secure context; a school server on plain http is not one.
  function newClientId() {
    if (window.crypto && crypto.randomUUID) {
      try {
        return crypto.randomUUID();
      } catch {
        // Fall through to getRandomValues, which works everywhere.
      }
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // ---- Selection → offsets -----------------------------------------------------
  // The server counts Unicode code points (Python string indices); JavaScript
  // strings count UTF-16 units, so an emoji is 2 here and 1 there.
  function codePoints(string) {
    let count = 0;
    for (const _ of string) {
      count += 1;
    }
    return count;
  }

  // Return the body offset of a DOM point, from the data-start of the run it is in.
  // Points outside any run's text (between paragraphs, in a badge) belong to the
  // next run's start; runs cover the body without gaps.
  function offsetAt(node, offset) {
    const article = byId("devices-article");
    const runs = article.querySelectorAll("[data-start]");
    const range = document.createRange();
    for (const run of runs) {
      const textNode = run.firstChild;
      if (!textNode) {
        continue;
      }
      range.selectNodeContents(textNode);
      const where = range.comparePoint(node, offset);
      const start = Number(run.dataset.start);
      if (where < 0) {
        return start;
      }
      if (where === 0) {
        if (node === textNode) {
          return start + codePoints(textNode.data.slice(0, offset));
        }
        return offset === 0 ? start : start + codePoints(textNode.data);
      }
    }
    return Number(article.dataset.length);
  }

  // Return {start, end, text} for the current selection in the article, or null.
  function selectedSpan() {
    const selection = window.getSelection();
    const article = byId("devices-article");
    if (!selection || selection.isCollapsed || selection.rangeCount === 0 || !article) {
      return null;
    }
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(article)) {
      return null;
    }
    const start = offsetAt(range.startContainer, range.startOffset);
    const end = offsetAt(range.endContainer, range.endOffset);
    const words = selection.toString().replace(/\s+/g, " ").trim();
    if (end <= start || !/[\p{L}\p{N}]/u.test(words)) {
      return null;
    }
    return { start, end, text: words, range: range.cloneRange() };
  }

  // ---- The pending selection ---------------------------------------------------
  // Kept apart from the browser's selection: tapping a palette button on a phone
  // clears the selection before the tap arrives.
  let pending = null;

  function showPending() {
    const some = root.querySelector(".dv-pending-some");
    const none = root.querySelector(".dv-pending-none");
    const cancel = byId("dv-pending-cancel");
    if (!some || !none) {
      return;
    }
    some.hidden = !pending;
    none.hidden = Boolean(pending);
    if (cancel) {
      cancel.hidden = !pending;
    }
    if (pending) {
      byId("dv-pending-text").textContent = pending.text.length > 80 ? `${pending.text.slice(0, 77)}…` : pending.text;
    }
    root.classList.toggle("has-pending", Boolean(pending));
    // Keep the chosen words visibly highlighted after the browser drops its selection.
    if (window.CSS && CSS.highlights && window.Highlight) {
      if (pending) {
        CSS.highlights.set("dv-pending", new Highlight(pending.range));
      } else {
        CSS.highlights.delete("dv-pending");
      }
    }
  }

  function setPending(span) {
    pending = span;
    showPending();
  }

  let selectionTimer = null;
  document.addEventListener("selectionchange", () => {
    window.clearTimeout(selectionTimer);
    selectionTimer = window.setTimeout(() => {
      const span = selectedSpan();
      if (span) {
        setPending(span);
      }
    }, 120);
  });

  // ---- Status, retry and undo --------------------------------------------------
  function setStatus(message, kind) {
    const status = byId("dv-status");
    if (!status) {
      return;
    }
    status.textContent = message;
    status.className = `dv-status${kind ? ` is-${kind}` : ""}`;
  }

  const undoStack = [];

  function showUndo() {
    const button = byId("dv-undo");
    if (!button) {
      return;
    }
    button.hidden = false;
    button.disabled = undoStack.length === 0;
    const last = undoStack[undoStack.length - 1];
    byId("dv-undo-what").textContent = last ? last.label : "";
    button.title = last ? last.label : "";
  }

  // Requests go one at a time, in order: a relabel must not overtake the add it changes.
  const queue = [];
  let busy = false;
  let failed = null;

  function enqueue(job) {
    queue.push(job);
    pump();
  }

  function showFailure(job, message) {
    failed = job;
    setStatus(`${message} ${job.what}`, "failed");
    byId("dv-retry").hidden = false;
    byId("dv-discard").hidden = false;
  }

  function clearFailure() {
    failed = null;
    byId("dv-retry").hidden = true;
    byId("dv-discard").hidden = true;
  }

  // ---- Applying the server's answer ------------------------------------------------
  // A change is answered with what changed: the count and the sentences the mark covers,
  // swapped in out of band (hx-swap-oob) by htmx, and the mark's entry for "Your marks"
  // in a <template>, which goes in its place in text order. The count lists the id of
  // every mark there is: an entry not among them was removed, and a mark with no entry
  // was added in another tab, so then the whole list is fetched again.
  function applyAnswer(html, fragment, { refetch = true } = {}) {
    const active = document.activeElement;
    window.htmx.swap(root, html, { swapStyle: "none" });
    placeMarks(fragment.getElementById("dv-changed-marks"));
    const complete = reconcile();
    if (active && active.id && !document.body.contains(active)) {
      // Focus stays where it was, or moves to the list's heading when that control is gone.
      (byId(active.id) || byId("your-marks-heading"))?.focus();
    }
    if (!complete && refetch) {
      refresh();
    }
  }

  function placeMarks(changed) {
    const list = byId("dv-mark-list");
    if (!changed || !list) {
      return;
    }
    for (const item of [...changed.content.children]) {
      const old = byId(item.id);
      if (old) {
        old.replaceWith(item);
        continue;
      }
      // The list is in text order: by start, then by end; a new mark goes after its equals.
      const start = Number(item.dataset.start);
      const end = Number(item.dataset.end);
      const next = [...list.children].find((other) => {
        const otherStart = Number(other.dataset.start);
        return otherStart > start || (otherStart === start && Number(other.dataset.end) > end);
      });
      list.insertBefore(item, next || null);
    }
  }

  // Drop the entries of marks that are gone; return whether every mark has its entry.
  function reconcile() {
    const count = byId("dv-count");
    const list = byId("dv-mark-list");
    if (!count || !list) {
      return true;
    }
    const ids = new Set(count.dataset.marks.split(" ").filter(Boolean));
    for (const item of [...list.children]) {
      if (!ids.has(item.dataset.clientId)) {
        item.remove();
      }
    }
    list.hidden = list.children.length === 0;
    const empty = byId("dv-no-marks");
    if (empty) {
      empty.hidden = !list.hidden;
    }
    return list.children.length === ids.size;
  }

  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  async function pump() {
    if (busy || failed || queue.length === 0) {
      return;
    }
    const job = queue.shift();
    busy = true;
    setStatus(text("Saving"), "saving");
    let response = null;
    let html = "";
    try {
      response = await fetch(job.url, {
        method: "POST",
        body: job.data,
        credentials: "same-origin",
        headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() },
      });
      html = await response.text();
    } catch {
      response = null;
    }
    busy = false;
    if (!response || response.status >= 500) {
      showFailure(job, text("Failed"));
      return;
    }
    const fragment = parse(html);
    const notice = fragment.getElementById("dv-notice");
    if (response.redirected || (response.ok && !notice)) {
      // A login page, after the session ran out: nothing was saved.
      showFailure(job, text("LoggedOut"));
      return;
    }
    if (response.ok) {
      applyAnswer(html, fragment);
      if (job.onSaved) {
        job.onSaved();
      }
      setStatus(job.undoing ? text("Undone") : notice ? notice.textContent : "", "saved");
    } else if (response.status === 403) {
      // The CSRF check failed: the student logged in again elsewhere, so this page's token is stale.
      setStatus(text("Expired"), "refused");
    } else if (response.status === 404) {
      // The mark is not there: a retried removal, or a change to a mark removed elsewhere.
      setStatus(text(job.gone ? "AlreadyRemoved" : "Gone"), job.gone ? "saved" : "refused");
      refresh();
    } else {
      if (response.status === 409) {
        // Changed in another tab (or locked): the answer shows the marks as they are now.
        applyAnswer(html, fragment);
      }
      setStatus(notice ? notice.textContent : `${response.status} ${response.statusText}`, "refused");
    }
    pump();
  }

  async function refresh() {
    try {
      const response = await fetch(window.location.pathname, {
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
      });
      const html = response.ok ? await response.text() : "";
      const fragment = parse(html);
      if (fragment.getElementById("dv-count")) {
        // The count, the article and the list, whole.
        applyAnswer(html, fragment, { refetch: false });
      }
    } catch {
      // The next save refreshes the page's copy anyway.
    }
  }

  function formData(fields) {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      data.append(name, value);
    }
    return data;
  }

  function changeUrl(clientId) {
    return root.dataset.changeUrl.replace(root.dataset.placeholderId, clientId);
  }

  function describe(words, name) {
    return `“${words.length > 40 ? `${words.slice(0, 37)}…` : words}” (${name})`;
  }

  function techniqueName(slug) {
    const button = root.querySelector(`.dv-apply[data-technique="${CSS.escape(slug)}"]`);
    return button ? button.dataset.name : slug;
  }

  // ---- The three changes, each with its undo -----------------------------------
  function addMark({ start, end, technique, clientId, words, undoing = false }) {
    const what = describe(words, techniqueName(technique));
    enqueue({
      url: root.dataset.addUrl,
      data: formData({ start, end, technique, client_id: clientId }),
      what,
      undoing,
      onSaved: () => {
        if (!undoing) {
          // The server snapped the selection to whole words; name the mark as stored.
          const saved = byId(`mark-${clientId}`)?.querySelector(".dv-mark-text")?.textContent || words;
          undoStack.push({
            label: `${text("UndoAdd")} ${describe(saved, techniqueName(technique))}`,
            undo: () => removeMark(clientId, saved, technique, true),
          });
          showUndo();
        }
      },
    });
  }

  function removeMark(clientId, words, technique, undoing = false) {
    const item = byId(`mark-${clientId}`);
    const start = item ? Number(item.dataset.start) : null;
    const end = item ? Number(item.dataset.end) : null;
    const what = describe(words, techniqueName(technique));
    enqueue({
      url: changeUrl(clientId),
      // "was": the technique this page shows, so a mark relabelled in another tab is not removed unseen.
      data: formData({ action: "remove", was: technique }),
      what,
      undoing,
      gone: true,
      onSaved: () => {
        if (!undoing && start !== null) {
          // Undoing a removal adds the same mark back under the same client_id.
          undoStack.push({
            label: `${text("UndoRemove")} ${what}`,
            undo: () => addMark({ start, end, technique, clientId, words, undoing: true }),
          });
          showUndo();
        }
      },
    });
  }

  function relabelMark(clientId, words, from, to, undoing = false) {
    const what = describe(words, techniqueName(to));
    enqueue({
      url: changeUrl(clientId),
      data: formData({ action: "relabel", technique: to, was: from }),
      what,
      undoing,
      onSaved: () => {
        if (!undoing) {
          undoStack.push({
            label: `${text("UndoRelabel")} ${what}`,
            undo: () => relabelMark(clientId, words, to, from, true),
          });
          showUndo();
        }
      },
    });
  }

  function undo() {
    const last = undoStack.pop();
    showUndo();
    if (last) {
      last.undo();
    } else {
      setStatus(text("NothingToUndo"), "");
    }
  }

  // Name the pending selection with a technique.
  function apply(technique) {
    // A quick hand can press the key before the selection's debounce has run.
    const span = pending || selectedSpan();
    if (!span) {
      setStatus(text("SelectFirst"), "hint");
      return;
    }
    addMark({ start: span.start, end: span.end, technique, clientId: newClientId(), words: span.text });
    window.getSelection()?.removeAllRanges();
    setPending(null);
  }

  // ---- Wiring --------------------------------------------------------------------
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (button?.classList.contains("dv-apply")) {
      apply(button.dataset.technique);
    } else if (button?.id === "dv-undo") {
      undo();
    } else if (button?.id === "dv-retry" && failed) {
      queue.unshift(failed);
      clearFailure();
      pump();
    } else if (button?.id === "dv-discard" && failed) {
      clearFailure();
      setStatus("", "");
      pump();
    } else if (button?.id === "dv-pending-cancel") {
      window.getSelection()?.removeAllRanges();
      setPending(null);
    } else {
      openMark(event);
    }
  });

  // Clicking a highlight (without dragging) opens that mark in "Your marks".
  function openMark(event) {
    const highlight = event.target.closest("mark[data-marks]");
    if (!highlight || !window.getSelection()?.isCollapsed) {
      return;
    }
    const item = byId(`mark-${highlight.dataset.marks.split(" ")[0]}`);
    if (item) {
      item.scrollIntoView({ block: "center", behavior: "smooth" });
      item.focus({ preventScroll: true });
    }
  }

  // A new press in the article starts a new selection.
  root.addEventListener("pointerdown", (event) => {
    if (event.target.closest("#devices-article")) {
      setPending(null);
    }
  });

  // Keep the article's selection when a palette button is pressed with the mouse.
  root.addEventListener("mousedown", (event) => {
    if (event.target.closest(".dv-apply")) {
      event.preventDefault();
    }
  });

  function typingInto(element) {
    return element && (element.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName));
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || typingInto(event.target)) {
      return;
    }
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && !event.altKey && key === "z" && !event.shiftKey) {
      event.preventDefault();
      undo();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key === "Escape" && pending) {
      window.getSelection()?.removeAllRanges();
      setPending(null);
      return;
    }
    const button = key.length === 1 ? root.querySelector(`.dv-apply[data-shortcut="${CSS.escape(key)}"]`) : null;
    if (button) {
      event.preventDefault();
      apply(button.dataset.technique);
    }
  });

  // The forms (relabel, remove, the sentence-and-words path) save the same way.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("[data-devices-form]") || !root.contains(form) || event.defaultPrevented) {
      return;
    }
    event.preventDefault();
    const data = new FormData(form, event.submitter);
    if (form.dataset.devicesForm === "add") {
      const clientId = String(data.get("client_id"));
      const technique = String(data.get("technique"));
      const first = form.querySelector("[name=first_word]");
      const last = form.querySelector("[name=last_word]");
      const picked = [first, last].map((select) => select?.selectedOptions[0]?.textContent.replace(/^\d+\.\s*/, "") || "");
      const words = picked[0] === picked[1] ? picked[0] : `${picked[0]} … ${picked[1]}`;
      enqueue({
        url: form.action,
        data,
        what: describe(words, techniqueName(technique)),
        onSaved: () => {
          const saved = byId(`mark-${clientId}`)?.querySelector(".dv-mark-text")?.textContent || words;
          undoStack.push({
            label: `${text("UndoAdd")} ${describe(saved, techniqueName(technique))}`,
            undo: () => removeMark(clientId, saved, technique, true),
          });
          showUndo();
          // The next mark from this form is a new one, not a replay of this.
          form.querySelector("[name=client_id]").value = newClientId();
        },
      });
      return;
    }
    const item = form.closest(".dv-mark");
    const clientId = item.dataset.clientId;
    const words = item.querySelector(".dv-mark-text").textContent;
    if (data.get("action") === "remove") {
      removeMark(clientId, words, item.dataset.technique);
    } else if (data.get("technique") !== item.dataset.technique) {
      relabelMark(clientId, words, item.dataset.technique, String(data.get("technique")));
    }
  });

  showUndo();
  showPending();
})();
