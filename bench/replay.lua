-- wrk script: send each prepared request once, more than wrk can send in the run (bench/run
-- counts what happened in the database or divides by the run's time, not wrk's responses).
-- BENCH_LINES names a file of "path<TAB>cookie" lines (a GET: a hire's first view of a
-- lesson) or "path<TAB>cookie<TAB>form body" lines (a POST: a quiz submission). Thread N of M
-- takes lines N, N+M, N+2M ... so no request is sent twice; past the end, the last one again.
dofile(os.getenv("BENCH_REPORTER"))
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local total = tonumber(os.getenv("BENCH_THREADS"))
  reqs = {}
  local i = 0
  for line in io.lines(os.getenv("BENCH_LINES")) do
    if i % total == id then
      local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
      if body ~= "" then
        table.insert(reqs, wrk.format("POST", path, {
          ["Cookie"] = cookie,
          ["Content-Type"] = "application/x-www-form-urlencoded",
        }, body))
      else
        table.insert(reqs, wrk.format("GET", path, {["Cookie"] = cookie}))
      end
    end
    i = i + 1
  end
  sent = 0
end

function request()
  sent = sent + 1
  return reqs[math.min(sent, #reqs)]
end
