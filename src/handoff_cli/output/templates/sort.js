(function () {
  "use strict";
  function key(cell) {
    var value = cell.getAttribute("data-v");
    return value === null ? cell.textContent.trim() : value;
  }
  function compare(a, b, numeric, lang) {
    if (numeric) {
      var x = parseFloat(a), y = parseFloat(b);
      if (isNaN(x) && isNaN(y)) { return 0; }
      if (isNaN(x)) { return -1; }
      if (isNaN(y)) { return 1; }
      return x - y;
    }
    return a.localeCompare(b, lang, {numeric: true});
  }
  function sortable(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) { return; }
    var heads = Array.prototype.slice.call(head.cells);
    var lang = document.documentElement.lang || undefined;
    heads.forEach(function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.getAttribute("data-type") === "number";
        heads.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows).map(function (row, at) { return [row, at]; });
        rows.sort(function (p, q) {
          var order = compare(key(p[0].cells[index]), key(q[0].cells[index]), numeric, lang);
          return (ascending ? order : -order) || p[1] - q[1];
        });
        rows.forEach(function (pair) { body.appendChild(pair[0]); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
    table.classList.add("js-sortable");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
}());
