/**
 * @module redis/recovery-scripts
 * The Lua of session recovery: what must be atomic (a publish logged in every room and announced
 * in one step, a claim, a detach, an expiry taken once cluster-wide) runs as one script.
 *
 * Every log entry keeps the id of the entry before it in its log (`p`, "" for a log's first entry):
 * a resume reading after offset O knows nothing was lost exactly when the first entry after O names
 * O (or "": the log was dropped idle and started again, which only happens when no push came for
 * `historyTtlMs`, longer than any window). So trimming, exact or not, never hides a gap.
 *
 * Session hash fields: path, secret, bf (broadcastFrom), df (directFrom), data, node (absent while
 * detached), exp (end of the window while detached), w (windowMs), g (how long a record outlives its
 * window when no node takes its expiry), and `r:<room>` -> join point per room.
 *
 * Redis Cluster (issue 22): every key but room logs shares the prefix's slot (recovery-keys.ts), so
 * only what touches room logs changes there: a push runs `SHARD_PUBLISH_SCRIPT` once per slot of its
 * rooms, and a create or join reads the room logs' last ids first and passes them in.
 */

/** Lua helpers: the prefix-derived names (as `RecoveryKeys` builds them) and a log's last id. */
const HELPERS = `
local function sessionKey(prefix, id) return prefix .. ':{s:' .. id .. '}:session' end
local function directKey(prefix, id) return prefix .. ':{s:' .. id .. '}:direct' end
local function heldKey(prefix, node) return prefix .. ':recovery:node:' .. node .. ':sessions' end
local function lastId(key)
  local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
  if last[1] then return last[1][1] end
  return ''
end
local function parseId(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
-- The next id of the cluster's one clock (Redis time, then a sequence within the ms), above 'floor'
-- (a log's last id). Every room, broadcast and detached-direct id comes from it, so ids of different
-- logs sort in the order the pushes were made (a replay merges logs by id).
local function nextId(clock, floor)
  local t = redis.call('TIME')
  local ms, seq = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), 0
  for _, last in ipairs({ redis.call('GET', clock) or '', floor }) do
    if last ~= '' then
      local lms, lseq = parseId(last)
      if lms and (lms > ms or (lms == ms and lseq >= seq)) then ms, seq = lms, lseq + 1 end
    end
  end
  local id = string.format('%d-%d', ms, seq)
  redis.call('SET', clock, id)
  return id
end
local function keepUntil(session, direct, at)
  redis.call('PEXPIREAT', session, at)
  if redis.call('EXISTS', direct) == 1 then redis.call('PEXPIREAT', direct, at) end
end
`;

/**
 * Lua function `detachHeld(prefix, node)`: the sessions a purged (or departing) node held become
 * detached, their window starting now (Redis time), so their clients can resume on another node and
 * their expiry (@OnDisconnect) runs once when it ends. Used by the heartbeat's purge (scripts.ts).
 */
export const DETACH_HELD_FUNCTION = `${HELPERS}
local function detachHeld(prefix, node)
  local held = heldKey(prefix, node)
  local ids = redis.call('SMEMBERS', held)
  if #ids > 0 then
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    for _, id in ipairs(ids) do
      local session = sessionKey(prefix, id)
      local fields = redis.call('HMGET', session, 'node', 'w', 'g')
      if fields[1] == node then
        local exp = now + (tonumber(fields[2]) or 0)
        redis.call('HDEL', session, 'node')
        redis.call('HSET', session, 'exp', exp)
        redis.call('ZADD', prefix .. ':recovery:detached', exp, id)
        keepUntil(session, directKey(prefix, id), exp + (tonumber(fields[3]) or 0))
      end
    end
  end
  redis.call('DEL', held)
end
`;

/**
 * KEYS: the clock, then the logs (each room's, or the broadcast log). ARGV: maxlen, ttl ms, channel,
 * header (JSON without its closing brace), data, kind ('r' rooms, 'b' broadcast), extra entry fields
 * (pairs). Appends to every log under one id of the clock, refreshes their TTL, publishes the packet
 * with its ids (`o`: one per room, in the order of `r`; `b`: the broadcast id) and returns the ids.
 */
export const PUBLISH_SCRIPT = `${HELPERS}
local maxlen, ttl, channel, head, data, kind = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local extra = {}
for i = 7, #ARGV do extra[#extra + 1] = ARGV[i] end
local prevs, floor, floorMs, floorSeq = {}, '', -1, -1
for i = 2, #KEYS do
  local prev = lastId(KEYS[i])
  prevs[i] = prev
  if prev ~= '' then
    local ms, seq = parseId(prev)
    if ms > floorMs or (ms == floorMs and seq > floorSeq) then floor, floorMs, floorSeq = prev, ms, seq end
  end
end
local id = nextId(KEYS[1], floor)
local ids = {}
for i = 2, #KEYS do
  redis.call('XADD', KEYS[i], 'MAXLEN', maxlen, id, 'd', data, 'p', prevs[i], unpack(extra))
  redis.call('PEXPIRE', KEYS[i], ttl)
  ids[i - 1] = id
end
local tail
if kind == 'b' then tail = ',"b":"' .. ids[1] .. '"}' else tail = ',"o":["' .. table.concat(ids, '","') .. '"]}' end
redis.call('PUBLISH', channel, head .. tail .. '\\n' .. data)
return ids
`;

/**
 * The cluster's publish, run once per slot of a push's logs. KEYS: logs of one slot (rooms', or the
 * broadcast log). ARGV: maxlen, ttl ms, sharded channel ('' to publish nothing: a push to rooms of
 * several slots is published by the caller once every slot has logged it), header, data, kind,
 * lowest id allowed, '1' to also stay above Redis time (the first slot of a push; the next ones reuse
 * its id when their logs allow, so a push keeps one id), extra entry fields (pairs). There is no
 * cluster-wide clock (it would be one more slot): ids follow each master's time, each log's last id
 * and the publishing node's last id. Returns the id.
 */
export const SHARD_PUBLISH_SCRIPT = `${HELPERS}
local maxlen, ttl, channel, head, data, kind = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local ms, seq = parseId(ARGV[7])
if ARGV[8] == '1' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if now > ms then ms, seq = now, 0 end
end
local extra = {}
for i = 9, #ARGV do extra[#extra + 1] = ARGV[i] end
local prevs = {}
for i = 1, #KEYS do
  local prev = lastId(KEYS[i])
  prevs[i] = prev
  if prev ~= '' then
    local pms, pseq = parseId(prev)
    if pms > ms or (pms == ms and pseq >= seq) then ms, seq = pms, pseq + 1 end
  end
end
local id = string.format('%d-%d', ms, seq)
for i = 1, #KEYS do
  redis.call('XADD', KEYS[i], 'MAXLEN', maxlen, id, 'd', data, 'p', prevs[i], unpack(extra))
  redis.call('PEXPIRE', KEYS[i], ttl)
end
if channel ~= '' then
  local tail
  if kind == 'b' then tail = ',"b":"' .. id .. '"}' else tail = ',"o":["' .. id .. '"]}' end
  redis.call('SPUBLISH', channel, head .. tail .. '\\n' .. data)
end
return id
`;

/**
 * KEYS: session, direct log. ARGV: id, data, maxlen, this node. Appends a push numbered by the client's
 * node while that node holds the session (not after a resume elsewhere took it: that node's replay read
 * could miss it); an id not above the log's last is dropped. Returns 1 when appended.
 */
export const APPEND_DIRECT_SCRIPT = `${HELPERS}
if redis.call('HGET', KEYS[1], 'node') ~= ARGV[4] then return 0 end
local prev = lastId(KEYS[2])
local added = redis.pcall('XADD', KEYS[2], 'MAXLEN', ARGV[3], ARGV[1], 'd', ARGV[2], 'p', prev)
if type(added) == 'table' and added.err then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
`;

/**
 * KEYS: session, direct log, the clock. ARGV: now ms, data, maxlen. Logs a push for a detached
 * session still in its window; returns its id, or false.
 */
export const SEND_DETACHED_SCRIPT = `${HELPERS}
local fields = redis.call('HMGET', KEYS[1], 'node', 'exp')
if fields[1] or not fields[2] or tonumber(fields[2]) <= tonumber(ARGV[1]) then return false end
local prev = lastId(KEYS[2])
local id = redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], nextId(KEYS[3], prev), 'd', ARGV[2], 'p', prev)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return id
`;

/**
 * KEYS: session, direct log, this node's held set, broadcast log, then the log of each room of ARGV.
 * ARGV: id, path, secret, broadcastFrom, directFrom, data, node, windowMs, grace ms, then room /
 * join point pairs. Replaces any record of that id; an empty start point means "the log's last id now".
 */
export const CREATE_SCRIPT = `${HELPERS}
local id = ARGV[1]
local bf, df = ARGV[4], ARGV[5]
if bf == '' then bf = lastId(KEYS[4]) end
if df == '' then df = lastId(KEYS[2]) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'path', ARGV[2], 'secret', ARGV[3], 'bf', bf, 'df', df, 'data', ARGV[6],
  'node', ARGV[7], 'w', ARGV[8], 'g', ARGV[9])
local k = 5
for i = 10, #ARGV - 1, 2 do
  local from = ARGV[i + 1]
  -- Without the room's log among the keys (a cluster: another slot) the caller has resolved it.
  if from == '' and KEYS[k] then from = lastId(KEYS[k]) end
  redis.call('HSET', KEYS[1], 'r:' .. ARGV[i], from)
  k = k + 1
end
redis.call('PERSIST', KEYS[2])
redis.call('SADD', KEYS[3], id)
return 1
`;

/**
 * KEYS: session, direct log, detached set. ARGV: prefix, id, secret, this node, now ms.
 * Takes the session for this node when the secret matches and it is held (anywhere) or detached in
 * its window. Returns { record fields as before the claim, previous node or "", direct log's last id }.
 * The secrets are compared through their SHA-1, so the comparison's time tells nothing of the secret.
 */
export const CLAIM_SCRIPT = `${HELPERS}
local prefix, id, secret, self, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local fields = redis.call('HMGET', KEYS[1], 'secret', 'node', 'exp')
if not fields[1] or redis.sha1hex(fields[1]) ~= redis.sha1hex(secret) then return false end
local previous = fields[2]
if previous then
  if previous ~= self then redis.call('SREM', heldKey(prefix, previous), id) end
elseif not fields[3] or tonumber(fields[3]) <= now then
  return false
end
local record = redis.call('HGETALL', KEYS[1])
redis.call('HDEL', KEYS[1], 'exp')
redis.call('HSET', KEYS[1], 'node', self)
redis.call('ZREM', KEYS[3], id)
redis.call('SADD', heldKey(prefix, self), id)
redis.call('PERSIST', KEYS[1])
redis.call('PERSIST', KEYS[2])
return { record, previous or '', lastId(KEYS[2]) }
`;

/**
 * KEYS: session, direct log, detached set, this node's held set. ARGV: id, this node, data JSON,
 * expires at ms, grace ms. Detaches a session this node holds; returns 0 when it does not hold it.
 */
export const DETACH_SCRIPT = `${HELPERS}
if redis.call('HGET', KEYS[1], 'node') ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], 'node')
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'exp', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
keepUntil(KEYS[1], KEYS[2], tonumber(ARGV[4]) + tonumber(ARGV[5]))
return 1
`;

/** KEYS: session, direct log, detached set. ARGV: prefix, id. Ends a session: its keys go. */
export const END_SCRIPT = `${HELPERS}
local node = redis.call('HGET', KEYS[1], 'node')
if node then redis.call('SREM', heldKey(ARGV[1], node), ARGV[2]) end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[2])
return 1
`;

/**
 * KEYS: detached set. ARGV: prefix, now ms, limit. Removes up to `limit` sessions whose window
 * ended and returns them as { id, record fields, ... } (each once: the script is atomic).
 */
export const TAKE_EXPIRED_SCRIPT = `${HELPERS}
local prefix, now, limit = ARGV[1], ARGV[2], ARGV[3]
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', KEYS[1], id)
  local session = sessionKey(prefix, id)
  if redis.call('HEXISTS', session, 'node') == 0 then
    local record = redis.call('HGETALL', session)
    if #record > 0 then
      out[#out + 1] = id
      out[#out + 1] = record
    end
    redis.call('DEL', session, directKey(prefix, id))
  end
end
return out
`;

/**
 * KEYS: session, room log (absent on a cluster: ARGV[2] is its last id, read before). ARGV: room.
 * Records the room's last id as the session's join point (a room it is already in keeps its own).
 */
export const JOINED_SCRIPT = `${HELPERS}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local at = ARGV[2]
if KEYS[2] then at = lastId(KEYS[2]) end
redis.call('HSETNX', KEYS[1], 'r:' .. ARGV[1], at)
return 1
`;

/**
 * KEYS: detached set, this node's held set. ARGV: prefix, this node, then client ids. A node purged
 * while alive (a long pause) takes back the sessions of its clients still connected, unless they were
 * resumed elsewhere or expired meanwhile. Returns how many it took back.
 */
export const REHOLD_SCRIPT = `${HELPERS}
local prefix, self = ARGV[1], ARGV[2]
local taken = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local session = sessionKey(prefix, id)
  if redis.call('HEXISTS', session, 'node') == 0 and redis.call('ZSCORE', KEYS[1], id) then
    redis.call('HDEL', session, 'exp')
    redis.call('HSET', session, 'node', self)
    redis.call('ZREM', KEYS[1], id)
    redis.call('SADD', KEYS[2], id)
    redis.call('PERSIST', session)
    redis.call('PERSIST', directKey(prefix, id))
    taken = taken + 1
  end
end
return taken
`;
