"""What the browser's JS client reads: the compact per-version data beside `ll2-static.js`."""
