-- wrk script: records one incident per request through POST /api/v1/incidents, each for the next student of a list.
-- Set by the calling script: STUDENTS (a file of student ids, one a line), TOKEN (an API token), DATE (YYYY-MM-DD),
-- BEHAVIOUR and LOCATION (label ids of the students' school). Used by bench/signals.sh and bench/region.sh.
local students = {}
for line in io.lines(os.getenv("STUDENTS")) do students[#students + 1] = line end
local n = 0
local date, behaviour, location = os.getenv("DATE"), os.getenv("BEHAVIOUR"), os.getenv("LOCATION")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
request = function()
  n = n + 1
  local body = '{"students":[{"student_id":"' .. students[(n % #students) + 1] .. '"}],"date":"' .. date
    .. '","time":"10:15","behaviour_id":"' .. behaviour .. '","location_id":"' .. location .. '"}'
  return wrk.format(nil, "/api/v1/incidents", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
