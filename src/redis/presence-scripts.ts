/**
 * @module redis/presence-scripts
 * The Lua scripts that keep presence entries consistent: each change of state and its announcement
 * on the presence channel happen in one atomic step, so every node hears every change once, in the
 * order Redis applied them. Keys (under `<prefix>:presence`):
 * - `:room:<room>`   hash  client id -> entry JSON `{"since","clientId","meta"}` (`since` first, so it can be read back)
 * - `:client:<id>`   hash  room -> node the entry was tracked on (what a session end removes)
 * - `:node:<node>`   set   client ids with entries tracked on the node (what a purge removes)
 * - `:nodes`         set   nodes holding entries (what the sweep checks against the live nodes)
 * A change is published as `{"w":1,"room":...,"joins":[entries],"leaves":[entries]}`.
 */

// Shared helpers: forget a client on a node once none of its entries is owned there; remove one entry.
const HELPERS = `
local function dropFromNode(P, id, node)
  local owners = redis.call('HVALS', P .. ':client:' .. id)
  for _, owner in ipairs(owners) do if owner == node then return end end
  local set = P .. ':node:' .. node
  redis.call('SREM', set, id)
  if redis.call('SCARD', set) == 0 then redis.call('SREM', P .. ':nodes', node) end
end

local function removeEntry(P, channel, room, roomJson, id)
  local roomKey, clientKey = P .. ':room:' .. room, P .. ':client:' .. id
  local prev = redis.call('HGET', roomKey, id)
  if not prev then return false end
  redis.call('HDEL', roomKey, id)
  local node = redis.call('HGET', clientKey, room)
  redis.call('HDEL', clientKey, room)
  if node then dropFromNode(P, id, node) end
  redis.call('PUBLISH', channel, '{"w":1,"room":' .. roomJson .. ',"joins":[],"leaves":[' .. prev .. ']}')
  return true
end
`;

/**
 * ARGV: P, channel, room, room JSON, client id, client id JSON, node, meta JSON, since, mode
 * ('track'|'update'), max entries per room, max rooms per client. Returns 'ok', 'missing',
 * 'room-full' or 'client-rooms'.
 */
export const PRESENCE_PUT_SCRIPT = `${HELPERS}
local P, channel, room, roomJson, id, idJson, node, meta, since, mode =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local roomKey, clientKey = P .. ':room:' .. room, P .. ':client:' .. id
local prev = redis.call('HGET', roomKey, id)
if prev then
  since = string.match(prev, '^{"since":(%d+),') or since
else
  if mode == 'update' then return 'missing' end
  if redis.call('HLEN', roomKey) >= tonumber(ARGV[11]) then return 'room-full' end
  if redis.call('HLEN', clientKey) >= tonumber(ARGV[12]) then return 'client-rooms' end
end
local entry = '{"since":' .. since .. ',"clientId":' .. idJson .. ',"meta":' .. meta .. '}'
redis.call('HSET', roomKey, id, entry)
local oldNode = redis.call('HGET', clientKey, room)
redis.call('HSET', clientKey, room, node)
redis.call('SADD', P .. ':node:' .. node, id)
redis.call('SADD', P .. ':nodes', node)
if oldNode and oldNode ~= node then dropFromNode(P, id, oldNode) end
redis.call('PUBLISH', channel, '{"w":1,"room":' .. roomJson .. ',"joins":[' .. entry .. '],"leaves":[' .. (prev or '') .. ']}')
return 'ok'
`;

/** ARGV: P, channel, room, room JSON, client id. Returns 1 when an entry was removed, else 0. */
export const PRESENCE_REMOVE_SCRIPT = `${HELPERS}
if removeEntry(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]) then return 1 end
return 0
`;

/** ARGV: P, channel, client id. Removes every entry of the client; returns how many. */
export const PRESENCE_REMOVE_CLIENT_SCRIPT = `${HELPERS}
local P, channel, id = ARGV[1], ARGV[2], ARGV[3]
local removed = 0
for _, room in ipairs(redis.call('HKEYS', P .. ':client:' .. id)) do
  if removeEntry(P, channel, room, cjson.encode(room), id) then removed = removed + 1 end
end
return removed
`;

/**
 * ARGV: P, channel, the registry's live-nodes sorted set, then either 'dead' (removes the entries of
 * every node holding some that is no longer in the live set: purged, or gone without a word) or
 * 'node' and a node id (that node's entries: a graceful leave). Returns the number of entries removed.
 */
export const PRESENCE_REMOVE_NODES_SCRIPT = `${HELPERS}
local P, channel, live, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local removed = 0
local function purge(node)
  for _, id in ipairs(redis.call('SMEMBERS', P .. ':node:' .. node)) do
    local owned = redis.call('HGETALL', P .. ':client:' .. id)
    for i = 1, #owned, 2 do
      if owned[i + 1] == node and removeEntry(P, channel, owned[i], cjson.encode(owned[i]), id) then
        removed = removed + 1
      end
    end
  end
  redis.call('DEL', P .. ':node:' .. node)
  redis.call('SREM', P .. ':nodes', node)
end
if mode == 'node' then
  purge(ARGV[5])
else
  for _, node in ipairs(redis.call('SMEMBERS', P .. ':nodes')) do
    if not redis.call('ZSCORE', live, node) then purge(node) end
  end
end
return removed
`;
