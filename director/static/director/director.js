// ccweb Director: small progressive enhancements. Every form works without this file.
(function () {
  "use strict";

  // Fields marked data-show-when="<select name>=<value>" show only while that select has that value,
  // e.g. an IRN's "Service" target only when its destination is a service.
  function initConditionalFields(root) {
    var rows = root.querySelectorAll("[data-show-when]");
    rows.forEach(function (row) {
      var rule = row.getAttribute("data-show-when").split("=");
      var form = row.closest("form");
      var select = form && form.querySelector('[name="' + rule[0] + '"]');
      if (!select) return;
      var update = function () {
        // Keep a row with an error visible so the message is never hidden.
        row.hidden = select.value !== rule[1] && !row.classList.contains("has-error");
      };
      select.addEventListener("change", update);
      update();
    });
  }

  // Ordered choice rows: up/down buttons move a row and renumber the positions of ticked rows.
  function renumber(tbody) {
    var position = 1;
    tbody.querySelectorAll("tr").forEach(function (tr) {
      var box = tr.querySelector('input[type="checkbox"]');
      var number = tr.querySelector('input[type="number"]');
      tr.classList.toggle("picked", box.checked);
      number.value = box.checked ? String(position++) : "";
    });
  }

  function initSortable(root) {
    root.querySelectorAll(".choice-rows.sortable tbody").forEach(function (tbody) {
      tbody.addEventListener("click", function (event) {
        var button = event.target.closest("[data-move]");
        if (!button) return;
        var tr = button.closest("tr");
        if (button.getAttribute("data-move") === "up" && tr.previousElementSibling) {
          tbody.insertBefore(tr, tr.previousElementSibling);
        } else if (button.getAttribute("data-move") === "down" && tr.nextElementSibling) {
          tbody.insertBefore(tr.nextElementSibling, tr);
        }
        renumber(tbody);
      });
      tbody.addEventListener("change", function (event) {
        if (event.target.type === "checkbox") renumber(tbody);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initConditionalFields(document);
    initSortable(document);
  });
})();
