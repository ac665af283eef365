// Refills a ward/commune list with the wards of the province chosen beside it.
// The server renders only the chosen province's wards; without this script a
// new province's wards appear after saving.
(function () {
  "use strict";

  function refill(wardSelect, provinceCode) {
    var blank = wardSelect.querySelector('option[value=""]');
    wardSelect.replaceChildren();
    if (blank) wardSelect.appendChild(blank);
    if (!provinceCode) return;
    fetch("/api/v1/provinces/" + encodeURIComponent(provinceCode) + "/wards")
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (wards) {
        wards.forEach(function (ward) {
          var option = document.createElement("option");
          option.value = ward.code;
          option.textContent = ward.name;
          wardSelect.appendChild(option);
        });
      });
  }

  function bind(root) {
    root.querySelectorAll("select[data-ward-picker]").forEach(function (wardSelect) {
      if (wardSelect.dataset.wardPickerBound) return;
      var province = document.querySelector('[name="' + wardSelect.dataset.wardPicker + '"]');
      if (!province) return;
      wardSelect.dataset.wardPickerBound = "1";
      province.addEventListener("change", function () { refill(wardSelect, province.value); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { bind(document); });
})();
