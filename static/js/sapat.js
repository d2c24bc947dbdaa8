// Sapat: small progressive enhancements. No inline scripts anywhere: the
// Content-Security-Policy allows scripts from our own origin only.
"use strict";

// Ask before submitting forms marked data-confirm="…".
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : null;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
