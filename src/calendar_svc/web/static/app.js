// Optional enhancements; every page works without them.
// 1. "Copy" buttons next to calendar addresses.
// 2. On event pages, a timed event's start in the visitor's own time zone.
(function () {
  "use strict";

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.focus();
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!input) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(input).then(
        function () { if (status) { status.textContent = button.getAttribute("data-copied") || "Copied"; } },
        function () {
          input.focus();
          input.select();
          if (status) { status.textContent = button.getAttribute("data-failed") || "Press Ctrl+C (⌘C) to copy"; }
        }
      );
    });
  });

  document.querySelectorAll("input[readonly]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  document.querySelectorAll("[data-visitor-time]").forEach(function (element) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var start = new Date(element.getAttribute("data-visitor-time"));
    var endValue = element.getAttribute("data-visitor-end");
    // Nothing to add when the visitor is in the event's zone or in UTC: both are already shown.
    if (!zone || zone === element.getAttribute("data-zone") || /^(Etc\/)?(UTC|GMT|Universal|Zulu)$/.test(zone) ||
        isNaN(start.getTime())) {
      return;
    }
    var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone
    });
    var text = format.format(start);
    if (endValue) {
      var end = new Date(endValue);
      if (!isNaN(end.getTime())) {
        text += " – " + format.format(end);
      }
    }
    // The page's sentence, with {zone} and {time} to fill in (data-template, in the page's language).
    var template = element.getAttribute("data-template") || "In your time zone ({zone}): {time}.";
    element.textContent = template.replace("{zone}", zone).replace("{time}", text);
    element.hidden = false;
  });
})();
