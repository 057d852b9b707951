/**
 * @module redis/scripts
 * The Lua scripts that must be atomic: the heartbeat (which also purges dead nodes, so a node that
 * comes back and a node purging it can never interleave), a node's removal of its own entries, and
 * an emitter's heartbeat.
 * Times come from Redis (`TIME`), so node clocks never need to agree.
 */
import { DETACH_HELD_FUNCTION } from './recovery-scripts';

// Removes one node's registry entries; shared by the heartbeat's purge and a graceful leave (which
// also detach the recovery sessions it held; a rebuild keeps them).
const REMOVE_NODE = `${DETACH_HELD_FUNCTION}
local function removeNode(prefix, node, keepMembership)
  local set = prefix .. ':node:' .. node .. ':clients'
  local clients = prefix .. ':clients'
  for _, id in ipairs(redis.call('SMEMBERS', set)) do
    if redis.call('HGET', clients, id) == node then redis.call('HDEL', clients, id) end
  end
  redis.call('DEL', set)
  if not keepMembership then
    detachHeld(prefix, node)
    redis.call('DEL', prefix .. ':inbox:' .. node)
    redis.call('ZREM', prefix .. ':nodes', node)
  end
end
`;

/**
 * ARGV: prefix, node id, stale-after ms. Records the heartbeat, (re)creates the inbox when missing,
 * purges nodes silent for longer than stale-after, and returns
 * `{ 1 when this node was (re)registered, purged node ids, live node ids }`.
 */
export const HEARTBEAT_SCRIPT = `${REMOVE_NODE}
local prefix, node, staleAfter = ARGV[1], ARGV[2], tonumber(ARGV[3])
local nodes, inbox = prefix .. ':nodes', prefix .. ':inbox:' .. node
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local fresh = redis.call('ZADD', nodes, now, node)
if redis.call('EXISTS', inbox) == 0 then
  redis.call('XADD', inbox, 'MAXLEN', '0', '*', 't', 'init')
  fresh = 1
end
local dead = redis.call('ZRANGEBYSCORE', nodes, '-inf', '(' .. (now - staleAfter))
for _, other in ipairs(dead) do removeNode(prefix, other, false) end
return { fresh, dead, redis.call('ZRANGE', nodes, 0, -1) }
`;

/** ARGV: prefix, client id, node id. Removes a client's routing entry unless another node took it since. */
export const REMOVE_CLIENT_SCRIPT = `
local prefix, id, node = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', prefix .. ':clients', id) == node then redis.call('HDEL', prefix .. ':clients', id) end
redis.call('SREM', prefix .. ':node:' .. node .. ':clients', id)
return 1
`;

/** ARGV: prefix, node id, '1' to keep the node registered (a rebuild) or '0' (a graceful leave). */
export const REMOVE_NODE_SCRIPT = `${REMOVE_NODE}
removeNode(ARGV[1], ARGV[2], ARGV[3] == '1')
return 1
`;

/**
 * ARGV: prefix, emitter id, stale-after ms, inbox ttl ms. An emitter is not a node: it keeps only its
 * inbox (where its commands are acked) alive with a TTL, so a crashed emitter leaves nothing behind,
 * and reads the live nodes. Returns `{ 1 when the inbox was (re)created, live node ids }`.
 */
export const EMITTER_HEARTBEAT_SCRIPT = `
local prefix, id, staleAfter, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local inbox = prefix .. ':inbox:' .. id
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local fresh = 0
if redis.call('EXISTS', inbox) == 0 then
  redis.call('XADD', inbox, 'MAXLEN', '0', '*', 't', 'init')
  fresh = 1
end
redis.call('PEXPIRE', inbox, ttl)
return { fresh, redis.call('ZRANGEBYSCORE', prefix .. ':nodes', now - staleAfter, '+inf') }
`;
