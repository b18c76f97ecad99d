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
  // Close the user menu and the menu groups when tapping elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open], .navgroup details[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  // Organisation picker (forms/fields.py): choose from search results, remove a choice.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick]");
    var unpick = event.target.closest("[data-unpick]");
    if (unpick) { unpick.closest("li").remove(); return; }
    if (!pick) { return; }
    var box = pick.closest("[data-org-picker]");
    var chosen = box.querySelector(".orgpick-chosen");
    if (box.getAttribute("data-multiple") !== "1") { chosen.innerHTML = ""; }
    if (chosen.querySelector('input[value="' + pick.getAttribute("data-pick") + '"]')) { return; }
    var li = document.createElement("li");
    li.className = "orgpick-chip";
    var input = document.createElement("input");
    input.type = "hidden"; input.name = box.getAttribute("data-name"); input.value = pick.getAttribute("data-pick");
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "linkish"; remove.setAttribute("data-unpick", ""); remove.textContent = "✕";
    li.appendChild(input);
    li.appendChild(document.createTextNode(pick.getAttribute("data-label") + " "));
    var code = document.createElement("span"); code.className = "muted small"; code.textContent = pick.getAttribute("data-code");
    li.appendChild(code); li.appendChild(remove);
    chosen.appendChild(li);
    box.querySelector(".orgpick-results").innerHTML = "";
    box.querySelector("input[type=search]").value = "";
  });
  // Confirm dangerous buttons: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
