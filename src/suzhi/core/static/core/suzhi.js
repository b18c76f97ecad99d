// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Warn a minute before the idle session ends (等保: idle timeout), then reload to the login page.
  var minutes = parseInt(document.body.getAttribute("data-idle-minutes") || "0", 10);
  if (minutes > 0 && document.querySelector(".usermenu")) {
    var timer;
    var arm = function () {
      clearTimeout(timer);
      timer = setTimeout(function () { window.location.reload(); }, minutes * 60 * 1000 + 5000);
    };
    document.addEventListener("htmx:afterRequest", arm);
    arm();
  }
  // Close the user menu when tapping elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  // Confirm dangerous buttons: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
