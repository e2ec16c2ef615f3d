"""Content as the hire will see it, with the key and the mentor's notes shown to the author.

Staff open it in the running app at ``/preview/``; an author runs ``trainhub content preview``
on a content folder, which serves the same pages from a throwaway database and reloads the
browser when a file is saved. Previews only read the catalog: they write no attempt, no
completion, no record of any kind.
"""
