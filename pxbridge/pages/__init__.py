"""The table pages (:mod:`~pxbridge.pages.views`) and their accessible SVG chart
(:mod:`~pxbridge.pages.chart`)."""
