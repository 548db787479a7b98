"""The HTML beside the JSON: browsable API pages, the human events site, feeds, plumbing.

safety      untrusted strings: path-safe slugs, JSON safe in <script> (URLs: common.safe_url)
links       base-URL-aware hrefs
render      the Jinja environment (autoescape on, strict) and Markdown pages
browse      the browsable API pages: shells that render any answer in the page
views       view models of events computed from their records (templates hold no logic)
gather      what the site shows of each event (summaries, schedule), before any writing
pages       the human site: home, event pages, indexes, search, content pages, 404
writer      PageWriter: render, write and count pages; the sitemap's list
indexes     type, agency, program and year pages, paginated
linked      the API lists each human page links (precomputed first)
schedule    the schedule history shown: date slips, calendar SEQUENCE
datapage    the /data/ page: every download of the open data
feeds       iCalendar (RFC 5545) and Atom feeds
plumbing    static assets, sitemap.xml, robots.txt, .nojekyll, CNAME
"""
