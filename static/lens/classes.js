// Class pages: a "Print" button for the join sheet and the one-time logins.
// The buttons are hidden in the HTML and shown here, so without JavaScript
// nobody sees a button that does nothing (the browser's own Print still works).
"use strict";

function showPrintButtons(root) {
  for (const button of root.querySelectorAll("button[data-print]")) {
    button.hidden = false;
  }
}

document.addEventListener("click", (event) => {
  if (event.target.closest("button[data-print]")) {
    window.print();
  }
});
document.addEventListener("DOMContentLoaded", () => showPrintButtons(document));
// The roster arrives again by htmx after students are added or a password is reset.
document.addEventListener("htmx:afterSettle", () => showPrintButtons(document));

// A refused roster form (400: a name too long, a name twice) comes back with its errors: show them.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400 && event.detail.target.id === "roster") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
