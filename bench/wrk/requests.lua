-- Replay prepared requests in turn, and print wrk's figures as one JSON line.
--
--   wrk -tTHREADS ... -s bench/wrk/requests.lua http://127.0.0.1:PORT -- REQUESTS.tsv OFFSET THREADS
--
-- Each line of REQUESTS.tsv is: method, path, session cookie, CSRF secret, body.
-- The runner orders the lines so that neighbours belong to different people (students
-- or teachers) and sentences. Thread t sends lines OFFSET+t, OFFSET+t+THREADS, ... so
-- no line is sent twice in a run unless the run outlasts the file: the mark scenario
-- relies on it, each of its lines being a mark the student has not made yet.
-- In a body, {voice} becomes a random label, {quote} a random quote-source answer
-- (or none), and {uuid} a fresh client id.
-- With no file, every request is a plain GET of the URL given to wrk (the floor).

local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
end

local lines = {}
local index = 0
local step = 1
local VOICES = { "direct", "partial", "paraphrase", "narration" }
local QUOTES = { "", "speaker", "quoted-other", "mixed" }

function init(args)
   -- Each thread has its own Lua state: seed each apart.
   math.randomseed(os.time() * 1000 + (id or 0) * 7919)
   if args[1] then
      for line in io.lines(args[1]) do
         local method, path, session, csrf, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
         if method then
            lines[#lines + 1] = { method = method, path = path, session = session, csrf = csrf, body = body }
         end
      end
      step = tonumber(args[3] or "1")
      -- The first request sends 0-based line OFFSET + id.
      index = tonumber(args[2] or "0") + (id or 0) - step
   end
end

local function uuid4()
   return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
      local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
      return string.format("%x", v)
   end))
end

function request()
   if #lines == 0 then
      return wrk.format("GET")
   end
   index = index + step
   local r = lines[index % #lines + 1]
   local headers = { Cookie = "sessionid=" .. r.session .. "; csrftoken=" .. r.csrf }
   local body = nil
   if r.method == "POST" then
      headers["X-CSRFToken"] = r.csrf
      headers["HX-Request"] = "true"
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = r.body
      body = (body:gsub("{voice}", VOICES[math.random(#VOICES)]))
      body = (body:gsub("{quote}", QUOTES[math.random(#QUOTES)]))
      body = (body:gsub("{uuid}", uuid4()))
   end
   return wrk.format(r.method, r.path, headers, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
         .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(95), latency:percentile(99),
      e.connect, e.read, e.write, e.status, e.timeout
   ))
end
