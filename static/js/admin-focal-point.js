// Image admin: click (or press Enter on) the preview to set the focal point that crops keep in
// view. The marker shows where it is; the two number fields stay the source of truth.
(function () {
  "use strict";

  function round(value) {
    return Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 1000;
  }

  function setUp(frame) {
    var image = frame.querySelector("img");
    var marker = frame.querySelector(".focal-marker");
    var x = document.getElementById("id_focal_x");
    var y = document.getElementById("id_focal_y");
    if (!image || !marker || !x || !y) return;

    function show() {
      marker.style.left = round(parseFloat(x.value) || 0.5) * 100 + "%";
      marker.style.top = round(parseFloat(y.value) || 0.5) * 100 + "%";
      marker.hidden = false;
    }

    frame.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect();
      x.value = round((event.clientX - box.left) / box.width);
      y.value = round((event.clientY - box.top) / box.height);
      show();
    });
    x.addEventListener("input", show);
    y.addEventListener("input", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".focal-frame").forEach(setUp);
  });
})();
