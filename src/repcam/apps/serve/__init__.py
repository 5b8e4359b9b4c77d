"""`repcam serve`: a local web app over the session log, for a physiotherapist's browser.

`app` the routes and the token check, `pages` the HTML, `jobs` the background analyses (on
disk, so a restart loses none), `uploads` streaming a video to disk and checking it.
"""
