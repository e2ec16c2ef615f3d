-- wrk script: GET each prepared "path<TAB>cookie" line once (a hire's first view of a
-- lesson, so the page cache cannot answer it); past the end, the last line again.
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
  for line in io.lines(os.getenv("BENCH_READS")) do
    if i % total == id then
      local path, cookie = line:match("^([^\t]*)\t(.*)$")
      table.insert(reqs, wrk.format("GET", path, {["Cookie"] = cookie}))
    end
    i = i + 1
  end
  sent = 0
end

function request()
  sent = sent + 1
  return reqs[math.min(sent, #reqs)]
end
