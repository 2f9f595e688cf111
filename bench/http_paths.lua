-- wrk script for bench/http.py: cycle through the request paths listed (one per line) in
-- the file named by the environment variable BENCH_PATHS, each thread from its own offset.
local paths = {}
local counter = 0

function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    paths[#paths + 1] = line
  end
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
