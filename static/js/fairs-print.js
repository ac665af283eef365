// "Print" buttons on the badge and schedule pages: shown only when scripts run, since they need one.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
