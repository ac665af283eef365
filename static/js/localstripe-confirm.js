/*
 * Development and tests only (loaded when STRIPE_JS_URL is localstripe's stand-in on this machine).
 *
 * localstripe's Stripe.js has the Payment Element's fields but no stripe.confirmPayment. This adds
 * one with the same contract: it reads the test card typed into the stand-in's fields, asks the
 * server (marketplace/views/dev_card.py) to pay the intent on localstripe, shows localstripe's 3-D
 * Secure box when the card asks for it, then goes to confirmParams.return_url as Stripe would, or
 * resolves with {error} when the card is declined.
 */
(function () {
  "use strict";
  var Original = window.Stripe;
  if (!Original) { return; }
  var endpoint = document.currentScript && document.currentScript.dataset.confirmUrl;
  var csrf = document.currentScript && document.currentScript.dataset.csrf;

  function field(root, name) {
    var input = root.querySelector('input[placeholder="' + name + '"]');
    return input ? input.value.replace(/\s+/g, "") : "";
  }

  window.Stripe = function (key, options) {
    var stripe = Original(key, options);
    if (typeof stripe.confirmPayment === "function") { return stripe; }
    var clientSecret = null;
    var mountedIn = null;
    var originalElements = stripe.elements.bind(stripe);
    stripe.elements = function (elementOptions) {
      clientSecret = elementOptions && elementOptions.clientSecret;
      var elements = originalElements(elementOptions);
      var originalCreate = elements.create.bind(elements);
      elements.create = function (type, createOptions) {
        var element = originalCreate(type, createOptions);
        var originalMount = element.mount.bind(element);
        element.mount = function (target) {
          mountedIn = typeof target === "string" ? document.querySelector(target) : target;
          return originalMount(target);
        };
        return element;
      };
      elements.submit = function () { return Promise.resolve({}); };
      return elements;
    };
    stripe.confirmPayment = function (params) {
      var root = mountedIn || document;
      var expYear = field(root, "exp_year");
      var body = JSON.stringify({
        client_secret: clientSecret,
        number: field(root, "number"),
        exp_month: field(root, "exp_month"),
        exp_year: expYear.length === 2 ? "20" + expYear : expYear,
        cvc: field(root, "cvc")
      });
      return fetch(endpoint, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}
      }).then(function (response) {
        return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
      }).then(function (result) {
        if (!result.ok) { return {error: {message: result.answer.detail || "Error"}}; }
        var status = result.answer.status;
        var finish = function () {
          var url = new URL(params.confirmParams.return_url, window.location.href);
          url.searchParams.set("payment_intent", clientSecret.split("_secret_")[0]);
          window.location.assign(url.toString());
          return {};
        };
        if (status === "succeeded") { return finish(); }
        if (status === "requires_action") {
          return stripe.confirmCardPayment(clientSecret).then(function (outcome) {
            return outcome && outcome.error ? {error: outcome.error} : finish();
          });
        }
        return {error: {message: "The card was declined.", code: "card_declined"}};
      });
    };
    return stripe;
  };
})();
