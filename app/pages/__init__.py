"""Page data: one function per page builds its data (builders.py, from the records as
records.py shapes them, loaded as loading.py says), and the HTML page and its .json twin
both render exactly that. Built pages are kept per dataset revision (cache.py); data
several views share, such as a journey's (shared.py), is built through it once."""
