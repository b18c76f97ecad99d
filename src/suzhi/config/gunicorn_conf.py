"""gunicorn settings for Suzhi, named on the command line as `-c python:suzhi.config.gunicorn_conf` (README).

The access log names the path only. gunicorn's default line has the request line (`%(r)s`, with the query
string) and the referrer (`%(f)s`, the previous page's address, query string and all), and searches put what
was typed in the query string: `/people/?q=620102198505061234` would leave a full ID number, or a phone, in
every access log. `%(U)s` is the path without the query string.
"""

# remote address, -, basic-auth user, time, "method path protocol", status, bytes, seconds, user agent
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s "%(a)s"'
