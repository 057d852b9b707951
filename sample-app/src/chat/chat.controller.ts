/**
 * @module sample-app/chat/chat.controller
 * The chat: nicknames at connect, channels with history and presence, typing, direct messages.
 */
import { randomUUID } from 'node:crypto';
import {
  ClientService,
  ConnectedClient,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Payload,
  Query,
  RoomService,
  WebSocketController,
  WsException,
  type WsClient,
} from 'ws-controllers';
import { HistoryStore } from '../storage/history-store';
import { NameRegistry } from '../storage/name-registry';
import { ChannelDto, DirectMessageDto, SendMessageDto, TypingDto } from './chat.dto';
import {
  CHAT_PATH,
  DEFAULT_CHANNELS,
  type ChatMessage,
  type DirectMessage,
  type JoinReply,
  type Member,
  type Welcome,
} from './chat-types';
import { nicknameProblem } from './nickname';

/** A claim older than this whose holder is no longer connected anywhere is given to the newcomer. */
const STALE_CLAIM_MS = 15_000;

/** What the chat keeps on each connection. */
interface ChatData {
  name: string;
  /** The channels joined, kept here because rooms are already left when `@OnDisconnect` runs. */
  channels: Set<string>;
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
    private readonly history: HistoryStore,
    private readonly names: NameRegistry,
    private readonly rooms: RoomService,
    private readonly clients: ClientService,
  ) {}

  /** `?name=` is required (400 when missing or invalid) and unique (409 when taken). */
  @OnConnect()
  async connect(@ConnectedClient() client: WsClient, @Query('name') name: string | undefined): Promise<void> {
    const problem = nicknameProblem(name);
    if (problem !== undefined || name === undefined) throw new WsException('INVALID_NAME', problem, { status: 400 });
    if (!(await this.claimName(name, client.id))) {
      throw new WsException('NAME_TAKEN', `The nickname "${name}" is taken`, { status: 409 });
    }
    Object.assign(client.data, { name, channels: new Set<string>() } satisfies ChatData);
    const welcome: Welcome = { you: memberOf(client), channels: DEFAULT_CHANNELS };
    client.emit('welcome', welcome);
  }

  /** Joins a channel; replies with its last messages and members, and tells the members. */
  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload() { channel }: ChannelDto): Promise<JoinReply> {
    await client.join(channel);
    chatData(client).channels.add(channel);
    const [history, members] = await Promise.all([this.history.recent(channel), this.announcePresence(channel)]);
    return { channel, history, members };
  }

  /** Leaves a channel and tells its remaining members. */
  @OnMessage('leave')
  async leave(@ConnectedClient() client: WsClient, @Payload() { channel }: ChannelDto): Promise<{ channel: string }> {
    await client.leave(channel);
    chatData(client).channels.delete(channel);
    await this.announcePresence(channel);
    return { channel };
  }

  /** Posts to a joined channel: everyone in it (the sender too) receives `message`; the reply is the stored message. */
  @OnMessage('message')
  async message(@ConnectedClient() client: WsClient, @Payload() dto: SendMessageDto): Promise<ChatMessage> {
    this.assertMember(client, dto.channel);
    const message: ChatMessage = { id: randomUUID(), channel: dto.channel, from: memberOf(client), text: dto.text, at: Date.now() };
    await this.history.append(message);
    await this.rooms.to(dto.channel).emit('message', message);
    return message;
  }

  /** Tells the channel's other members that this client started or stopped typing. */
  @OnMessage('user-typing')
  async typing(@ConnectedClient() client: WsClient, @Payload() dto: TypingDto): Promise<void> {
    this.assertMember(client, dto.channel);
    await client.toRoom(dto.channel, 'user-typing', { channel: dto.channel, user: memberOf(client), typing: dto.typing });
  }

  /** Sends a private message to one client by id (on any node). */
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

  /** Frees the nickname and updates the presence of every channel the client was in. */
  @OnDisconnect()
  async disconnect(@ConnectedClient() client: WsClient): Promise<void> {
    const data = chatData(client);
    await this.names.release(client.id);
    await Promise.all([...(data.channels ?? [])].map((channel) => this.announcePresence(channel)));
  }

  /** Sends the channel's member list to its members; returns it. */
  private async announcePresence(channel: string): Promise<Member[]> {
    const ids = await this.rooms.members(channel);
    const names = await this.names.namesOf(ids);
    const members = [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
    await this.rooms.to(channel).emit('presence', { channel, members });
    return members;
  }

  private assertMember(client: WsClient, channel: string): void {
    if (!client.rooms.has(channel)) throw new WsException('NOT_IN_CHANNEL', `Join #${channel} first`);
  }

  // A name whose holder left without a goodbye (a crashed node) is recovered once the claim is old.
  private async claimName(name: string, id: string): Promise<boolean> {
    const claim = await this.names.claim(name, id);
    if (claim === undefined) return true;
    if (Date.now() - claim.since < STALE_CLAIM_MS) return false;
    const live = await this.clients.ids(CHAT_PATH);
    if (live.includes(claim.holder)) return false;
    return this.names.replace(name, claim.holder, id);
  }
}
