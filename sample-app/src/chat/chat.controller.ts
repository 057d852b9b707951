/**
 * @module sample-app/chat/chat.controller
 * The chat: nicknames at connect, channels with history and presence, typing, direct messages.
 * History is the room logs (`rooms.history`); who is online, and who types, is `PresenceService`.
 * Session recovery is on (see server.ts): a page that drops comes back as the same client, in the
 * same channel, with what it missed, so the handlers below only run the normal path once.
 */
import { randomUUID } from 'node:crypto';
import {
  ClientService,
  ConnectedClient,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Payload,
  PresenceService,
  Query,
  RoomService,
  WebSocketController,
  WsException,
  type WsClient,
} from 'ws-controllers';
import { ChannelDirectory } from '../storage/channel-directory';
import { NameRegistry } from '../storage/name-registry';
import { ChannelDto, DirectMessageDto, SendMessageDto, TypingDto } from './chat.dto';
import {
  CHAT_PATH,
  HISTORY_SIZE,
  MAX_CHANNELS,
  RECOVERY_WINDOW_MS,
  type ChannelCreated,
  type ChatMessage,
  type DirectMessage,
  type JoinReply,
  type Member,
  type MemberMeta,
  type Welcome,
} from './chat-types';
import { nicknameProblem } from './nickname';
import { tabKeyDigest } from './tab-key';

/**
 * A claim older than this whose holder is no longer connected anywhere is given to the newcomer. A
 * dropped page keeps its name for the recovery window (it may come back), so the wait is longer.
 */
const STALE_CLAIM_MS = RECOVERY_WINDOW_MS + 15_000;

/** What the chat keeps on each connection (JSON: a resumed session gets it back). */
interface ChatData {
  name: string;
  /** The channels joined, kept here because rooms are already left when `@OnDisconnect` runs. */
  channels: string[];
}

function chatData(client: WsClient): ChatData {
  return client.data as unknown as ChatData;
}

function memberOf(client: WsClient): Member {
  return { id: client.id, name: chatData(client).name };
}

@WebSocketController(CHAT_PATH)
export class ChatController {
  constructor(
    private readonly channels: ChannelDirectory,
    private readonly names: NameRegistry,
    private readonly rooms: RoomService,
    private readonly clients: ClientService,
    private readonly presence: PresenceService,
  ) {}

  /**
   * `?name=` is required (400 when missing or invalid) and unique (409 when taken). `?key=` is a
   * secret the page keeps per browser tab: a new session of the same tab (a reload, a resume that was
   * refused) takes its name back from the old one instead of being told the name is taken.
   */
  @OnConnect()
  async connect(
    @ConnectedClient() client: WsClient,
    @Query('name') name: string | undefined,
    @Query('key') key?: string,
  ): Promise<void> {
    const problem = nicknameProblem(name);
    if (problem !== undefined || name === undefined) throw new WsException('INVALID_NAME', problem, { status: 400 });
    if (!(await this.claimName(name, client.id, tabKeyDigest(key)))) {
      throw new WsException('NAME_TAKEN', `The nickname "${name}" is taken`, { status: 409 });
    }
    // A resumed session has its client.data back, its rooms once this hook accepted it, and its
    // presence entries (no leave/join for the others). Diffs are not replayed: send the lists afresh.
    if (!client.resumed) Object.assign(client.data, { name, channels: [] } satisfies ChatData);
    else await Promise.all(chatData(client).channels.map((channel) => this.presence.sync(client, channel)));
    const welcome: Welcome = { you: memberOf(client), channels: await this.channels.list() };
    client.emit('welcome', welcome);
  }

  /** Joins a channel (creating it, announced to everyone, when new); replies with its last messages; its members come as `presence-state`. */
  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload() { channel }: ChannelDto): Promise<JoinReply> {
    const added = await this.channels.add(channel);
    if (added === 'full') throw new WsException('CHANNEL_LIMIT', `The chat holds at most ${MAX_CHANNELS} channels: join an existing one`);
    await client.join(channel);
    const data = chatData(client);
    if (!data.channels.includes(channel)) data.channels.push(channel);
    if (added === 'added') {
      const created: ChannelCreated = { channel, by: memberOf(client) };
      await this.clients.broadcast('channel-created', created, { path: CHAT_PATH });
    }
    await this.presence.track(client, channel, { name: data.name, typing: false } satisfies MemberMeta);
    return { channel, history: await this.recent(channel) };
  }

  /** Leaves a channel; its members see a presence leave. */
  @OnMessage('leave')
  async leave(@ConnectedClient() client: WsClient, @Payload() { channel }: ChannelDto): Promise<{ channel: string }> {
    await this.presence.untrack(client, channel);
    await client.leave(channel);
    const data = chatData(client);
    data.channels = data.channels.filter((joined) => joined !== channel);
    return { channel };
  }

  /** Posts to a joined channel: everyone in it (the sender too) receives `message`; the reply is the message. */
  @OnMessage('message')
  async message(@ConnectedClient() client: WsClient, @Payload() dto: SendMessageDto): Promise<ChatMessage> {
    this.assertMember(client, dto.channel);
    const message: ChatMessage = { id: randomUUID(), channel: dto.channel, from: memberOf(client), text: dto.text, at: Date.now() };
    // The room's log is the channel's history: no store of our own to write.
    await this.rooms.to(dto.channel).emit('message', message);
    return message;
  }

  /**
   * Typing is presence meta (as Phoenix apps do): members see it in the batched `presence-diff`, and it
   * never enters the room's log, so it neither fills the history nor is replayed after a drop.
   */
  @OnMessage('user-typing')
  async typing(@ConnectedClient() client: WsClient, @Payload() dto: TypingDto): Promise<void> {
    this.assertMember(client, dto.channel);
    await this.presence.update(client, dto.channel, { name: chatData(client).name, typing: dto.typing } satisfies MemberMeta);
  }

  /** Sends a private message to one client by id (on any node; held for a dropped one that may resume). */
  @OnMessage('direct')
  async direct(@ConnectedClient() client: WsClient, @Payload() dto: DirectMessageDto): Promise<DirectMessage> {
    const recipient = (await this.names.namesOf([dto.to])).get(dto.to);
    if (recipient === undefined) throw new WsException('USER_NOT_FOUND', 'That user is not online');
    const message: DirectMessage = { id: randomUUID(), from: memberOf(client), to: { id: dto.to, name: recipient }, text: dto.text, at: Date.now() };
    if (dto.to !== client.id && !(await client.to(dto.to, 'direct', message))) {
      throw new WsException('USER_NOT_FOUND', 'That user is not online');
    }
    return message;
  }

  /**
   * The session ended (a close for good, or a drop not resumed in time): frees the nickname. Its
   * presence entries end with the session by themselves (the others see the leaves).
   */
  @OnDisconnect()
  async disconnect(@ConnectedClient() client: WsClient): Promise<void> {
    await this.names.release(client.id);
  }

  /** The channel's last messages, oldest first, from the room's log (cluster-wide, kept across restarts with Redis). */
  private async recent(channel: string): Promise<ChatMessage[]> {
    // Only messages go to a channel's room (presence and typing are PresenceService's): the last
    // HISTORY_SIZE pushes are the last messages. The filter keeps it true if another push is added.
    const entries = await this.rooms.history(channel, { limit: HISTORY_SIZE });
    return entries.filter((entry) => entry.event === 'message').map((entry) => entry.payload as ChatMessage);
  }

  private assertMember(client: WsClient, channel: string): void {
    if (!client.rooms.has(channel)) throw new WsException('NOT_IN_CHANNEL', `Join #${channel} first`);
  }

  // A dropped session of the same tab gives the name up at once; a name whose holder left without a
  // goodbye (a crashed node without Redis) is recovered once the claim is old.
  private async claimName(name: string, id: string, key: string | undefined): Promise<boolean> {
    const claim = await this.names.claim(name, id, key);
    if (claim === undefined) return true;
    const sameTab = key !== undefined && claim.key === key;
    if (!sameTab && Date.now() - claim.since < STALE_CLAIM_MS) return false;
    // Never from a connected holder (a duplicated tab shares the key: it is refused like anyone else).
    const live = await this.clients.ids(CHAT_PATH);
    if (live.includes(claim.holder)) return false;
    return this.names.replace(name, claim.holder, id, key);
  }
}
