"""Sign-offs: practical track steps ("shadowed five client calls") confirmed by a mentor."""
