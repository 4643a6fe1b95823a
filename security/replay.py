"""Which views the lost-database-session middleware (config.middleware) may answer again."""


def safe_to_repeat(view):
    """Mark a view (function, ``as_view()`` result or class) as safe to answer again.

    Only for views whose effects are all in the database (which the middleware
    watches) or harmless to repeat. Not for views that write files, send mail
    or enqueue work.
    """
    view.safe_to_repeat = True
    return view
