// Behaviour shared by every page. Loaded with the page's CSP nonce; no inline handlers.
"use strict";

// A form or button with data-confirm asks before it submits.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = event.submitter?.dataset.confirm || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
