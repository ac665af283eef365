// Autocomplete for the search box in the header (the ARIA 1.2 combobox pattern with a listbox).
// Without this script the box is a plain GET form to the search page; with it, names of
// listings (and of cooperatives, marked as such) appear as the buyer types, reachable with the arrow keys, Enter and Escape.
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var MIN_LETTERS = 2;

  // The API answers with the Vietnamese pages (the default language has no prefix); an
  // English page links to the same page under /en/.
  function inPageLanguage(url) {
    var language = document.documentElement.lang;
    if (!language || language === "vi") return url;
    var link = new URL(url, window.location.href);
    var prefix = "/" + language + "/";
    if (link.pathname.indexOf(prefix) !== 0) link.pathname = prefix + link.pathname.replace(/^\//, "");
    return link.href;
  }

  function setUp(input) {
    var listbox = document.getElementById("site-search-listbox");
    var status = document.getElementById("site-search-status");
    var form = input.form;
    var url = input.getAttribute("data-suggest-url");
    var timer = null;
    var latest = 0;
    var active = -1;
    var options = [];

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      listbox.replaceChildren();
      options = suggestions.map(function (suggestion, i) {
        var option = document.createElement("li");
        option.id = "site-search-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var href = inPageLanguage(suggestion.url);
        option.setAttribute("data-url", href);
        option.textContent = suggestion.text;
        if (suggestion.kind === "cooperative") {
          // A cooperative, not a listing: say so after its name (the label is the page's language).
          var kind = document.createElement("span");
          kind.className = "site-search__kind";
          kind.textContent = " · " + (listbox.getAttribute("data-cooperative-label") || "");
          option.appendChild(kind);
        }
        // mousedown, not click: a click would blur the input and close the list first.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.assign(href);
        });
        listbox.appendChild(option);
        return option;
      });
      active = -1;
      if (options.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      status.textContent = options.length
        ? (listbox.getAttribute("data-count-label") || "%s").replace("%s", options.length)
        : "";
    }

    function fetchSuggestions() {
      var text = input.value;
      var letters = text.replace(/[\s\W_]+/gu, "");
      if (letters.length < MIN_LETTERS) {
        show([]);
        return;
      }
      var ticket = ++latest;
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          // An answer to an older keystroke must not replace a newer one.
          if (ticket === latest) show(data.suggestions || []);
        })
        .catch(function () { if (ticket === latest) show([]); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        if (!open) { fetchSuggestions(); return; }
        event.preventDefault();
        highlight(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        window.location.assign(options[active].getAttribute("data-url"));
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
    if (form) form.addEventListener("submit", close);
  }

  var input = document.getElementById("site-search-q");
  if (input && window.fetch) setUp(input);
})();
