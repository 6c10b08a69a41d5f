// Search page enhancement: on a phone, facet groups start folded (except those with a chosen
// value) so the results are one scroll away. Without JavaScript every group stays open.
(function () {
  if (!window.matchMedia("(max-width: 760px)").matches) return;
  document.querySelectorAll(".facets details").forEach(function (group) {
    if (!group.querySelector("a.active")) group.removeAttribute("open");
  });
})();
