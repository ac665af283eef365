/* The quote form of the admin's RFQ page: a listed product fills its unit and VAT rate (and hides
   the free-text fields, which the server ignores for a product), "Add a line" copies the empty
   line, and the deposit percentage shows only with deposit terms. Without JavaScript the form
   still works: it comes with one blank line, and the server checks everything. */
(function () {
    "use strict";
    var data = document.getElementById("quote-products");
    var form = document.getElementById("quote-lines");
    if (!data || !form) {
        return;
    }
    var products = JSON.parse(data.textContent);

    function sync(line) {
        var select = line.querySelector("select[name$='-product']");
        if (!select) {
            return;
        }
        var product = products[select.value];
        line.querySelectorAll("[data-free-text]").forEach(function (field) {
            field.hidden = Boolean(product);
        });
        var facts = line.querySelector("[data-product-facts]");
        if (facts) {
            facts.textContent = product ? product.facts : "";
        }
    }

    function watch(line) {
        var select = line.querySelector("select[name$='-product']");
        if (select) {
            select.addEventListener("change", function () { sync(line); });
        }
        sync(line);
    }

    form.querySelectorAll("[data-quote-line]").forEach(watch);

    var add = document.querySelector("[data-add-quote-line]");
    var template = document.getElementById("quote-line-template");
    var total = document.querySelector("input[name='lines-TOTAL_FORMS']");
    var max = document.querySelector("input[name='lines-MAX_NUM_FORMS']");
    if (add && template && total) {
        add.hidden = false;
        add.addEventListener("click", function () {
            var index = parseInt(total.value, 10);
            if (max && index >= parseInt(max.value, 10)) {
                return;
            }
            var html = template.innerHTML.replace(/__prefix__/g, String(index));
            var holder = document.createElement("div");
            holder.innerHTML = html.trim();
            var line = holder.firstElementChild;
            form.appendChild(line);
            total.value = String(index + 1);
            watch(line);
            var first = line.querySelector("select, input");
            if (first) {
                first.focus();
            }
        });
    }

    var deposit = document.querySelector("[data-deposit]");
    var terms = document.querySelectorAll("input[name='quote-payment_terms']");
    function showDeposit() {
        var chosen = document.querySelector("input[name='quote-payment_terms']:checked");
        if (deposit) {
            deposit.hidden = !(chosen && chosen.value === "deposit");
        }
    }
    terms.forEach(function (input) { input.addEventListener("change", showDeposit); });
    showDeposit();
})();
