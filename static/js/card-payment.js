// Card payment with Stripe.js's Payment Element: Stripe draws the card form in its own frame
// (so card numbers never reach this site), confirms the PaymentIntent, runs 3-D Secure when the
// bank asks for it, then sends the buyer to the return URL, where the server reads the intent again.
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("card-form");
    if (!form || typeof window.Stripe !== "function") return;
    var button = document.getElementById("card-submit");
    var message = document.getElementById("card-errors");
    var stripe = window.Stripe(form.dataset.publishableKey);
    if (typeof stripe.confirmPayment !== "function") {
      message.textContent = form.dataset.unsupportedLabel || "";
      return;
    }
    var elements = stripe.elements({ clientSecret: form.dataset.clientSecret, locale: document.documentElement.lang || "auto" });
    elements.create("payment").mount("#payment-element");
    button.disabled = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      var label = button.textContent;
      button.disabled = true;
      if (button.dataset.busyLabel) button.textContent = button.dataset.busyLabel;
      message.textContent = "";
      stripe
        .confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
        .then(function (result) {
          // Only reached when the payment could not be confirmed; on success Stripe redirects.
          if (result && result.error) message.textContent = result.error.message || "";
          button.disabled = false;
          button.textContent = label;
        });
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
