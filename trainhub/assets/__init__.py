"""Images and files of the content (``assets/`` folders), served to the people who may read
the lesson or case they belong to, with the headers a browser needs to cache them safely."""
