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

// A table wider than its box scrolls sideways: the box must take the keyboard
// focus for a keyboard user to scroll it (WCAG 2.1.1). Only boxes that do
// overflow become tab stops.
function focusableScrollers(root) {
  root.querySelectorAll(".table-responsive").forEach((box) => {
    if (box.scrollWidth > box.clientWidth) {
      box.tabIndex = 0;
    } else {
      box.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", () => focusableScrollers(document));
document.addEventListener("htmx:afterSettle", (event) => focusableScrollers(event.target));
window.addEventListener("resize", () => focusableScrollers(document));
