/* Organisers' pages: a print button on the table plan, and reading badge QR codes with the
   camera on the check-in page where the browser has the BarcodeDetector API. Without it
   (or without a camera) the page works as it is: a USB or phone scanner types the code into
   the focused field and presses Enter, or staff type it. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  var form = document.querySelector("[data-check-in]");
  if (!form) {
    return;
  }
  var input = form.querySelector("input[name=code]");
  var scan = form.querySelector("[data-scan]");
  var panel = form.querySelector("[data-scanner]");
  var video = form.querySelector("[data-scanner-video]");
  var status = form.querySelector("[data-scanner-status]");
  var stop = form.querySelector("[data-scan-stop]");
  var unavailable = form.querySelector("[data-scan-unavailable]");
  var stream = null;
  var running = false;

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    if (unavailable) {
      unavailable.hidden = false;
    }
    return;
  }

  function stopCamera() {
    running = false;
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
    }
    panel.hidden = true;
    scan.hidden = false;
    input.focus();
  }

  function startCamera(detector) {
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        panel.hidden = false;
        scan.hidden = true;
        status.textContent = scan.dataset.looking || "";
        running = true;
        return video.play().then(function () {
          detect(detector);
        });
      })
      .catch(function () {
        stopCamera();
        unavailable.hidden = false;
      });
  }

  function detect(detector) {
    if (!running) {
      return;
    }
    detector
      .detect(video)
      .then(function (codes) {
        var found = codes.find(function (code) {
          return code.rawValue;
        });
        if (found) {
          input.value = found.rawValue;
          stopCamera();
          form.requestSubmit ? form.requestSubmit() : form.submit();
          return;
        }
        window.setTimeout(function () {
          detect(detector);
        }, 200);
      })
      .catch(function () {
        window.setTimeout(function () {
          detect(detector);
        }, 500);
      });
  }

  window.BarcodeDetector.getSupportedFormats()
    .then(function (formats) {
      var wanted = ["qr_code", "code_128", "code_39"].filter(function (name) {
        return formats.indexOf(name) !== -1;
      });
      if (!wanted.length) {
        unavailable.hidden = false;
        return;
      }
      var detector = new window.BarcodeDetector({ formats: wanted });
      scan.hidden = false;
      scan.addEventListener("click", function () {
        startCamera(detector);
      });
      stop.addEventListener("click", stopCamera);
    })
    .catch(function () {
      unavailable.hidden = false;
    });
})();
