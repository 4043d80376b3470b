-- wrk script for bench/web.py: counts responses whose status is not the expected one, and prints the
-- run's figures as one JSON line. With mode "register" it POSTs the registration form, each request
-- with a new email address, using a CSRF cookie and form token that bench/web.py fetched once.
--
-- Arguments (after "--"): expected_status mode [csrf_cookie form_body run_id]
--   form_body: the url-encoded form (CSRF token included) without the email field.

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  expected = tonumber(args[1])
  mode = args[2] or "plain"
  unexpected = 0
  first_unexpected = 0
  counter = 0
  if mode == "register" then
    headers = {
      ["Cookie"] = "csrftoken=" .. args[3],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }
    form_body = args[4]
    run_id = args[5]
  end
end

function request()
  if mode ~= "register" then
    return wrk.request()
  end
  counter = counter + 1
  -- Distinct per run, thread and request, so every POST is a new registration.
  local email = string.format("bench-%s-%d-%d%%40example.org", run_id, thread_id, counter)
  return wrk.format("POST", nil, headers, form_body .. "&email=" .. email)
end

function response(status, response_headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
    if first_unexpected == 0 then
      first_unexpected = status
    end
  end
end

function done(summary, latency, requests)
  local total_unexpected = 0
  local first = 0
  for _, thread in ipairs(threads) do
    total_unexpected = total_unexpected + thread:get("unexpected")
    if first == 0 then
      first = thread:get("first_unexpected")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "status": %d, "unexpected": %d, "first_unexpected": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.timeout,
    errors.status, total_unexpected, first, latency:percentile(50), latency:percentile(99)
  ))
end
