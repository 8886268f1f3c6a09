// The lesson editor: show refusals that htmx would drop, say when a save failed, keep the focus in view.
"use strict";

(() => {
  const inEditor = (event) => Boolean(event.detail.elt?.closest?.(".au-root"));

  // A refused change answers 400 with its form and the errors: swap it in like any answer.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (inEditor(event) && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The network or the server failed: nothing was saved, and the page must say so.
  const failed = (event) => {
    if (!inEditor(event)) return;
    const root = document.querySelector(".au-root");
    const text = root.dataset.textFailed;
    const live = document.getElementById("au-live");
    if (live) live.textContent = text;
    const target = event.detail.target;
    if (target?.classList.contains("au-status")) {
      target.textContent = `⚠ ${text}`;
      target.classList.add("au-status-refused");
    } else {
      let box = document.getElementById("au-failed");
      if (!box) {
        box = document.createElement("p");
        box.id = "au-failed";
        box.className = "au-notice au-notice-refused";
        box.tabIndex = -1;
        root.prepend(box);
      }
      box.textContent = text;
      box.focus();
    }
  };
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);

  document.addEventListener("htmx:afterSettle", (event) => {
    if (!inEditor(event)) return;
    document.getElementById("au-failed")?.remove();
    // htmx puts the focus back on an element with the same id; when the control is gone
    // (an accepted suggestion's card), the notice takes it, so the keyboard is not thrown to the top.
    const active = document.activeElement;
    if (!active || active === document.body) {
      document.getElementById("au-notice")?.focus();
    }
  });
})();
