"""Search across the content a person may see: lessons, courses, quizzes' titles, cases and
tracks, with word forms of English, Russian and Ukrainian (``analysis``), an in-memory index
derived from the catalog (``index``, ``documents``) and the ``/search`` page (``views``)."""
