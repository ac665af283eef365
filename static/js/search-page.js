// The search page with JavaScript: a new sort applies at once, and the filters start open on
// wide screens (on phones they stay folded under "Filter results" above the hits).
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) select.form.requestSubmit();
      else select.form.submit();
    });
  });

  var facets = document.querySelector("details[data-open-wide]");
  if (facets && window.matchMedia("(min-width: 56em)").matches) facets.open = true;
})();
