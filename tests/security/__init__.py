"""The adversarial suite (issue 13): the outside attack on TrainHub, kept as tests that stay.

Every test here that touches the database runs on SQLite and PostgreSQL.

- test_route_matrix.py: route x role x own/other object, GET and POST, from ``app.url_map``
  (a new route without a row fails; how to add one is at the top of the file);
  test_route_policies.py: every route declares a policy;
- test_xss_corpus.py (xss_payloads.txt): the corpus through every form found on every page,
  inert on every page, and the CSV export; test_roleplays_xss.py,
  test_answers_cannot_restyle_pages.py: answers, comments, notes and file names in detail;
- test_csrf.py: CSRF on every POST route; test_session_replay.py: copied sessions after
  sign-out, password and role change, deactivation, the absolute lifetime;
  test_session_lifetime.py,
  test_logout_ends_the_session.py, test_api_token_lifetime.py;
- test_login_throttle_bursts.py, test_login_limit_per_address.py: parallel bursts;
- test_control_characters_everywhere.py, test_control_characters.py, test_file_names.py,
  test_names_in_mail_headers.py: input hygiene;
- test_audit_chain.py: tampering found by ``trainhub audit verify`` and the audit page;
- test_parser_fuzzing.py: hypothesis against the front-matter, quiz-YAML and GIFT parsers;
- test_hostile_inputs_and_redirects.py: query strings, other teams' ids, redirects.

Finding -> test (each fails on the code before its fix):
 1 audit edits unnoticed ........ test_audit_chain.py (edit, delete, insert, reorder, head)
 2 SQLite lock while hashing .... test_login_throttle_bursts.py::test_no_write_lock_is_held...
 3 limit raced, per address ..... test_login_throttle_bursts.py (bursts, spread burst),
                                  test_login_limit_per_address.py
 4 NUL: 500 / stored ............ test_control_characters_everywhere.py, test_control_characters.py
 5 password in process list ..... tests/integration/test_backup.py::test_the_database_password...
 6 CSRF secret survives ......... test_session_lifetime.py::test_sign_in_and_sign_out_replace...
 7 no absolute lifetime ......... test_session_lifetime.py, test_session_replay.py
 8 API tokens never end ......... test_api_token_lifetime.py
 9 line break in a name ......... test_names_in_mail_headers.py, test_control_characters.py
10 world-readable files ......... tests/integration/test_backup.py (owner-only tests);
   right-to-left override ....... test_file_names.py; full-width CSV signs: test_xss_corpus.py
"""
